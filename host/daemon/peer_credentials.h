// Who is on the other end of a unix socket (SO_PEERCRED): the kernel's word, not the caller's,
// so the audit log can name the uid and pid behind every task.
#pragma once

#include <sys/types.h>

#include <optional>

namespace taskhost {

struct PeerCredentials {
    pid_t pid = 0;
    uid_t uid = 0;
    gid_t gid = 0;
};

// nullopt when `fd` is not a connected unix socket (e.g. the TCP listener).
std::optional<PeerCredentials> peer_credentials(int fd);

}  // namespace taskhost
