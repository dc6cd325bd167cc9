#include "util/directory_watch.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>

namespace taskhost {
namespace {

// The watch whose thread this is, if any: stop() from within on_change must not join itself.
thread_local const DirectoryWatch* tl_watch_of_this_thread = nullptr;

std::string fix_for(int err) {
    switch (err) {
        case ENOENT:
            return "create it";
        case ENOTDIR:
            return "point it at a directory";
        case EACCES:
            return "check its permissions";
        case ENOSPC:
            return "raise fs.inotify.max_user_watches";
        case EMFILE:
            return "raise fs.inotify.max_user_instances";
        default:
            return "check it is a directory this user can read";
    }
}

HostError watch_error(const std::string& where, const std::string& step, int err) {
    return HostError{where, "cannot be watched: " + step + std::strerror(err), fix_for(err)};
}

}  // namespace

Result<std::unique_ptr<DirectoryWatch>> DirectoryWatch::start(const std::string& directory,
                                                              DirectoryWatchSettings settings,
                                                              OnChange on_change) {
    const std::string where = settings.what + " " + directory;
    const int inotify_fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (inotify_fd < 0) {
        return watch_error(where, "", errno);
    }
    // No IN_CREATE: a new file counts when it is closed after writing (or renamed in).
    uint32_t mask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_DELETE_SELF |
                    IN_MOVE_SELF | IN_ONLYDIR;
    if (settings.attributes) {
        mask |= IN_ATTRIB;
    }
    if (::inotify_add_watch(inotify_fd, directory.c_str(), mask) < 0) {
        const int err = errno;
        ::close(inotify_fd);
        return watch_error(where, "", err);
    }
    const int stop_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (stop_fd < 0) {
        const int err = errno;
        ::close(inotify_fd);
        HostError error = watch_error(where, "eventfd: ", err);
        error.fix = "check the process's file descriptor limit";
        return error;
    }
    return std::unique_ptr<DirectoryWatch>(
        new DirectoryWatch(inotify_fd, stop_fd, std::move(settings), std::move(on_change)));
}

DirectoryWatch::DirectoryWatch(int inotify_fd, int stop_fd, DirectoryWatchSettings settings,
                               OnChange on_change)
    : inotify_fd_(inotify_fd),
      stop_fd_(stop_fd),
      settings_(std::move(settings)),
      on_change_(std::move(on_change)) {
    thread_ = std::thread([this] { run(); });
}

DirectoryWatch::~DirectoryWatch() {
    stop();
    ::close(inotify_fd_);
    ::close(stop_fd_);
}

void DirectoryWatch::stop() {
    const uint64_t one = 1;
    (void)!::write(stop_fd_, &one, sizeof one);  // stays readable: the thread ends at its next poll
    if (tl_watch_of_this_thread == this) {
        return;  // from on_change: the thread ends once it returns
    }
    std::lock_guard<std::mutex> lock(stop_mutex_);
    if (thread_.joinable()) {
        thread_.join();
    }
}

bool DirectoryWatch::counts(const std::string& name) const {
    if (name.empty() || (settings_.ignore_dot_files && name[0] == '.')) {
        return false;
    }
    return !settings_.accept || settings_.accept(name);
}

bool DirectoryWatch::drain_events() {
    bool relevant = false;
    alignas(struct inotify_event) char buffer[16384];
    for (;;) {
        const ssize_t got = ::read(inotify_fd_, buffer, sizeof buffer);
        if (got <= 0) {
            return relevant;  // EAGAIN: all read
        }
        for (char* at = buffer; at < buffer + got;) {
            const auto* event = reinterpret_cast<const struct inotify_event*>(at);
            at += sizeof(struct inotify_event) + event->len;
            if ((event->mask & (IN_Q_OVERFLOW | IN_DELETE_SELF | IN_MOVE_SELF)) != 0) {
                relevant = true;  // events were lost, or the directory itself went: rescan
                continue;
            }
            // event->name is NUL-padded to event->len.
            if (event->len > 0 && counts(std::string(event->name))) {
                relevant = true;
            }
        }
    }
}

void DirectoryWatch::run() {
    tl_watch_of_this_thread = this;
    using Clock = std::chrono::steady_clock;
    const std::chrono::milliseconds settle = settings_.settle;
    bool changed = false;
    Clock::time_point settle_at{};
    Clock::time_point first_at{};
    for (;;) {
        int timeout_ms = -1;
        if (changed) {
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(settle_at - Clock::now());
            timeout_ms = static_cast<int>(left.count() > 0 ? left.count() : 0);
        }
        pollfd fds[2] = {{inotify_fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
        const int ready = ::poll(fds, 2, timeout_ms);
        if (ready < 0 && errno != EINTR) {
            return;
        }
        if ((fds[1].revents & POLLIN) != 0) {
            return;
        }
        if ((fds[0].revents & POLLIN) != 0 && drain_events()) {
            const Clock::time_point now = Clock::now();
            if (!changed) {
                first_at = now;
            }
            changed = true;
            // Wait for quiet after the last event, but a directory that never goes quiet
            // still gets a callback every 10 settle periods.
            settle_at = std::min(now + settle, first_at + 10 * settle);
            continue;
        }
        if (changed && Clock::now() >= settle_at) {
            changed = false;
            on_change_();
        }
    }
}

}  // namespace taskhost
