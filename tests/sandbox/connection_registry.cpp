#include "connection_registry.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace sandbox {

ConnectionRegistry::~ConnectionRegistry() {
    for (const auto& [ticket, entry] : entries_) {
        ::close(entry.watch_fd);
    }
}

uint64_t ConnectionRegistry::enter(int fd) {
    std::lock_guard<std::mutex> lock(mutex_);
    const int watch_fd = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
    const uint64_t ticket = next_ticket_++;
    if (watch_fd < 0) {
        return ticket;  // out of descriptors: this connection just cannot be woken early
    }
    entries_.emplace(ticket, Entry{fd, watch_fd});
    if (shutting_down_) {
        ::shutdown(watch_fd, SHUT_RDWR);
    }
    return ticket;
}

void ConnectionRegistry::leave(uint64_t ticket) {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = entries_.find(ticket);
    if (it != entries_.end()) {
        ::close(it->second.watch_fd);
        entries_.erase(it);
    }
}

void ConnectionRegistry::reset(int fd) {
    std::lock_guard<std::mutex> lock(mutex_);
    // SO_LINGER with a zero timeout makes the last close of the socket send RST.
    const linger abortive{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abortive, sizeof abortive);
    detach(fd);
}

void ConnectionRegistry::close_without_tls(int fd) {
    std::lock_guard<std::mutex> lock(mutex_);
    // Without SO_LINGER the last close sends FIN (RST only if unread data were left behind).
    detach(fd);
}

void ConnectionRegistry::detach(int fd) {  // mutex_ held
    // Drop Poco's reference without freeing the number (dup2 closes the socket side
    // atomically), then ours: that was the last reference, so the kernel closes it now.
    const int null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null_fd >= 0) {
        ::dup2(null_fd, fd);
        ::close(null_fd);
    }
    // A descriptor number can come back for a newer connection before an older one has
    // left: the newest entry is the live one.
    for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
        if (it->second.fd == fd) {
            ::close(it->second.watch_fd);
            entries_.erase(std::next(it).base());
            break;
        }
    }
}

void ConnectionRegistry::shutdown_all() {
    std::lock_guard<std::mutex> lock(mutex_);
    shutting_down_ = true;
    for (const auto& [ticket, entry] : entries_) {
        ::shutdown(entry.watch_fd, SHUT_RDWR);
    }
}

}  // namespace sandbox
