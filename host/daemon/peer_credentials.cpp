#include "daemon/peer_credentials.h"

#include <sys/socket.h>

namespace taskhost {

std::optional<PeerCredentials> peer_credentials(int fd) {
    struct ucred cred {};
    socklen_t size = sizeof cred;
    if (fd < 0 || ::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &size) != 0 ||
        size != sizeof cred || cred.pid == 0) {
        return std::nullopt;
    }
    return PeerCredentials{cred.pid, cred.uid, cred.gid};
}

}  // namespace taskhost
