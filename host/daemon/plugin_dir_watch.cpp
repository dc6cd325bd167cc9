#include "daemon/plugin_dir_watch.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include "plugins/plugin_catalog.h"

namespace taskhost {

Result<std::unique_ptr<PluginDirWatch>> PluginDirWatch::start(const std::string& plugin_dir,
                                                              std::chrono::milliseconds settle,
                                                              std::function<void()> on_change) {
    const int inotify_fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (inotify_fd < 0) {
        const int err = errno;
        return HostError{"plugin directory " + plugin_dir,
                         std::string("cannot be watched: ") + std::strerror(err),
                         "raise fs.inotify.max_user_instances, or set \"watch_plugin_dir\": "
                         "false and reload with SIGHUP or taskhost reload"};
    }
    // IN_ATTRIB: a chmod can make a plugin trusted or untrusted; IN_MOVED_*: rename installs.
    const uint32_t mask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE |
                          IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF;
    if (::inotify_add_watch(inotify_fd, plugin_dir.c_str(), mask) < 0) {
        const int err = errno;
        ::close(inotify_fd);
        return HostError{"plugin directory " + plugin_dir,
                         std::string("cannot be watched: ") + std::strerror(err),
                         "raise fs.inotify.max_user_watches, or set \"watch_plugin_dir\": false"};
    }
    const int stop_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (stop_fd < 0) {
        const int err = errno;
        ::close(inotify_fd);
        return HostError{"plugin directory watch", std::string("eventfd: ") + std::strerror(err),
                         "check the process's file descriptor limit"};
    }
    return std::unique_ptr<PluginDirWatch>(
        new PluginDirWatch(inotify_fd, stop_fd, settle, std::move(on_change)));
}

PluginDirWatch::PluginDirWatch(int inotify_fd, int stop_fd, std::chrono::milliseconds settle,
                               std::function<void()> on_change)
    : inotify_fd_(inotify_fd),
      stop_fd_(stop_fd),
      settle_(settle),
      on_change_(std::move(on_change)) {
    thread_ = std::thread([this] { run(); });
}

PluginDirWatch::~PluginDirWatch() {
    const uint64_t one = 1;
    (void)!::write(stop_fd_, &one, sizeof one);
    thread_.join();
    ::close(inotify_fd_);
    ::close(stop_fd_);
}

bool PluginDirWatch::drain_events() {
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
            if (event->len > 0 && is_plugin_file_name(event->name)) {
                relevant = true;
            }
        }
    }
}

void PluginDirWatch::run() {
    using Clock = std::chrono::steady_clock;
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
            // still gets a reload every 10 settle periods.
            settle_at = std::min(now + settle_, first_at + 10 * settle_);
            continue;
        }
        if (changed && Clock::now() >= settle_at) {
            changed = false;
            on_change_();
        }
    }
}

}  // namespace taskhost
