#include "daemon/systemd_service.h"

#include <Poco/Net/ServerSocketImpl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>

#include <cstring>

#include "daemon/sd_daemon_protocol.h"

namespace taskhost {
namespace {

// Poco cannot adopt a descriptor through its public API: this impl takes the passed one over.
class PassedSocketImpl : public Poco::Net::ServerSocketImpl {
  public:
    explicit PassedSocketImpl(int fd) { reset(fd); }
};

class PassedServerSocket : public Poco::Net::ServerSocket {
  public:
    explicit PassedServerSocket(int fd) : ServerSocket(new PassedSocketImpl(fd), true) {}
};

HostError activation_error(const std::string& problem) {
    return HostError{"socket activation", problem,
                     "pass exactly one listening unix stream socket (ListenStream=/path in "
                     "taskhost.socket)"};
}

}  // namespace

void notify_service(const std::string& state) {
    notify_systemd(state);
}

void notify_reloading() {
    struct timespec now {};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    const unsigned long long usec = static_cast<unsigned long long>(now.tv_sec) * 1000000ULL +
                                    static_cast<unsigned long long>(now.tv_nsec) / 1000ULL;
    notify_service("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec));
}

Result<std::optional<Poco::Net::ServerSocket>> take_activated_socket() {
    const Result<int> passed = take_listen_fds();
    if (!passed.ok()) {
        return passed.error();
    }
    const int count = passed.value();
    if (count == 0) {
        return std::optional<Poco::Net::ServerSocket>();
    }
    if (count != 1) {
        return activation_error("systemd passed " + std::to_string(count) + " sockets");
    }
    const int fd = kFirstPassedFd;
    if (!is_listening_unix_stream(fd)) {
        return activation_error("the passed socket is not a listening unix stream socket");
    }
    return std::optional<Poco::Net::ServerSocket>(PassedServerSocket(fd));
}

std::string bound_unix_path(const Poco::Net::ServerSocket& socket) {
    struct sockaddr_un address {};
    socklen_t size = sizeof address;
    if (::getsockname(socket.impl()->sockfd(), reinterpret_cast<sockaddr*>(&address), &size) != 0 ||
        address.sun_family != AF_UNIX || size <= offsetof(sockaddr_un, sun_path)) {
        return "";
    }
    return std::string(address.sun_path,
                       ::strnlen(address.sun_path, size - offsetof(sockaddr_un, sun_path)));
}

}  // namespace taskhost
