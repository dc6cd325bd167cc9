#include "daemon/sd_daemon_protocol.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstddef>
#include <cstdlib>
#include <cstring>

namespace taskhost {
namespace {

// A decimal number in [0, max] and nothing else; -1 otherwise.
long long parse_count(const char* text, long long max) {
    if (text == nullptr || *text < '0' || *text > '9') {
        return -1;
    }
    errno = 0;
    char* end = nullptr;
    const long long value = std::strtoll(text, &end, 10);
    return errno != 0 || *end != '\0' || value > max ? -1 : value;
}

HostError listen_error(const std::string& problem) {
    return HostError{"socket activation", problem,
                     "start taskhost serve from taskhost.socket, or unset LISTEN_PID and "
                     "LISTEN_FDS"};
}

}  // namespace

bool notify_systemd(const std::string& state) {
    const char* target = std::getenv("NOTIFY_SOCKET");
    if (target == nullptr || (target[0] != '/' && target[0] != '@')) {
        return false;
    }
    struct sockaddr_un address {};
    address.sun_family = AF_UNIX;
    const size_t length = std::strlen(target);
    if (length >= sizeof address.sun_path) {
        return false;
    }
    std::memcpy(address.sun_path, target, length);
    if (target[0] == '@') {
        address.sun_path[0] = '\0';  // the abstract namespace, not NUL-terminated
    }
    const socklen_t size = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + length +
                                                  (target[0] == '@' ? 0 : 1));
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return false;
    }
    const ssize_t sent = ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL,
                                  reinterpret_cast<const sockaddr*>(&address), size);
    ::close(fd);
    return sent == static_cast<ssize_t>(state.size());
}

Result<int> take_listen_fds() {
    const char* pid_text = std::getenv("LISTEN_PID");
    const char* count_text = std::getenv("LISTEN_FDS");
    Result<int> passed = 0;
    if (pid_text != nullptr) {
        const long long pid = parse_count(pid_text, LLONG_MAX);
        const long long count = parse_count(count_text, INT_MAX - kFirstPassedFd);
        if (pid < 0) {
            passed = listen_error("LISTEN_PID is not a process id");
        } else if (pid == ::getpid() && count < 0) {
            passed = listen_error("LISTEN_FDS is missing or not a number");
        } else if (pid == ::getpid()) {
            for (int fd = kFirstPassedFd; fd < kFirstPassedFd + count; ++fd) {
                const int flags = ::fcntl(fd, F_GETFD);
                if (flags < 0 || ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC) < 0) {
                    passed =
                        listen_error("passed descriptor " + std::to_string(fd) + " is not open");
                    break;
                }
            }
            if (passed.ok()) {
                passed = static_cast<int>(count);
            }
        }
    }
    ::unsetenv("LISTEN_PID");
    ::unsetenv("LISTEN_FDS");
    ::unsetenv("LISTEN_FDNAMES");
    return passed;
}

bool is_listening_unix_stream(int fd) {
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) {
        return false;
    }
    int type = 0;
    int listening = 0;
    socklen_t size = sizeof type;
    if (::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &size) != 0 || type != SOCK_STREAM) {
        return false;
    }
    size = sizeof listening;
    if (::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &size) != 0 || listening == 0) {
        return false;
    }
    struct sockaddr_storage address {};
    size = sizeof address;
    return ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0 &&
           address.ss_family == AF_UNIX;
}

}  // namespace taskhost
