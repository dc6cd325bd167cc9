// The sandbox's live TCP connections, so it can reset one on purpose (a fault) and wake every
// idle keep-alive connection when it stops.
//
// Why not HTTPServer::stopAll(true): it shuts the socket down from the stopping thread through
// the TLS layer while the connection's own thread may be using the same SSL object, which is a
// data race (and a double free in Poco 1.11's SecureSocketImpl::shutdown). Here each connection
// registers a dup() of its descriptor; shutting that down is a plain syscall on the kernel
// socket, wakes the connection's poll, and touches no TLS state. Because the registry owns the
// dup until the connection leaves, its number can never be reused under our feet.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>

namespace sandbox {

class ConnectionRegistry {
  public:
    ConnectionRegistry() = default;
    ~ConnectionRegistry();
    ConnectionRegistry(const ConnectionRegistry&) = delete;
    ConnectionRegistry& operator=(const ConnectionRegistry&) = delete;

    // A connection thread starts serving socket `fd`; returns its ticket for leave().
    uint64_t enter(int fd);
    void leave(uint64_t ticket);

    // Closes the connection on `fd` abortively: the peer gets a TCP RST, and no TLS
    // close_notify, so it sees "connection reset" with no response. `fd` stays a valid
    // descriptor (now /dev/null) so Poco's later close() of it is harmless.
    void reset(int fd);

    // Closes the connection on `fd` in TCP order (FIN) but without TLS close_notify, as a proxy
    // or a crashed server does: the peer's TLS layer sees an unexpected EOF. Same `fd` caveat.
    void close_without_tls(int fd);

    // Wakes every registered connection (and any that registers later) with a TCP shutdown.
    void shutdown_all();

  private:
    // Drops every reference to the kernel socket on `fd` (see reset), so it closes now.
    // The caller holds mutex_.
    void detach(int fd);

    struct Entry {
        int fd;
        int watch_fd;  // dup(fd): keeps the kernel socket ours to shut down
    };
    std::mutex mutex_;
    std::map<uint64_t, Entry> entries_;
    uint64_t next_ticket_ = 1;
    bool shutting_down_ = false;
};

}  // namespace sandbox
