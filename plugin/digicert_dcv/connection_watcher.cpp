#include "connection_watcher.h"

#include <sys/socket.h>

namespace digicert_dcv {

ConnectionWatcher& ConnectionWatcher::shared() {
    static ConnectionWatcher watcher;
    return watcher;
}

uint64_t ConnectionWatcher::add(int fd, Clock::time_point deadline, const CancelProbe* cancelled,
                                WatchVerdict* verdict) {
    if (cancelled != nullptr && !*cancelled) {
        cancelled = nullptr;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    if (!thread_.joinable()) {
        thread_ = std::thread([this] { run(); });
    }
    const uint64_t id = ++next_id_;
    const bool earliest = entries_.empty() || deadline < entries_.begin()->first;
    ids_[id] = entries_.emplace(deadline, Entry{id, fd, cancelled, verdict});
    if (cancelled != nullptr && ++cancellable_ == 1) {
        next_poll_ = Clock::now() + kPollInterval;  // the first ask comes one interval in
    }
    if (earliest || (cancelled != nullptr && cancellable_ == 1)) {  // sleeps on a later time
        wake_.notify_one();
    }
    return id;
}

void ConnectionWatcher::remove(uint64_t id) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (const auto found = ids_.find(id); found != ids_.end()) {
        if (found->second->second.cancelled != nullptr) {
            --cancellable_;
        }
        entries_.erase(found->second);
        ids_.erase(found);
    }
}

ConnectionWatcher::~ConnectionWatcher() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) {
        thread_.join();
    }
}

void ConnectionWatcher::cut(Entries::iterator entry) {
    const Entry due = entry->second;
    if (due.cancelled != nullptr) {
        --cancellable_;
    }
    entries_.erase(entry);
    ids_.erase(due.id);
    ::shutdown(due.fd, SHUT_RDWR);
}

void ConnectionWatcher::cut_cancelled() {
    for (auto entry = entries_.begin(); entry != entries_.end();) {
        const auto next = std::next(entry);
        if (entry->second.cancelled != nullptr && (*entry->second.cancelled)()) {
            entry->second.verdict->cancelled = true;
            cut(entry);
        }
        entry = next;
    }
}

ConnectionWatcher::Clock::time_point ConnectionWatcher::next_wake() const {
    const Clock::time_point first = entries_.begin()->first;
    return cancellable_ > 0 ? std::min(first, std::max(next_poll_, Clock::now())) : first;
}

void ConnectionWatcher::run() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stop_) {
        if (entries_.empty()) {
            wake_.wait(lock);
            continue;
        }
        wake_.wait_until(lock, next_wake());
        if (stop_) {
            break;
        }
        // Asked every kPollInterval, not on every wake (a new watch wakes the thread too): a
        // caller's cancelled() is asked at a steady pace whatever the traffic.
        if (cancellable_ > 0 && Clock::now() >= next_poll_) {
            next_poll_ = Clock::now() + kPollInterval;
            cut_cancelled();
        }
        const Clock::time_point now = Clock::now();
        while (!entries_.empty() && entries_.begin()->first <= now) {
            entries_.begin()->second.verdict->deadline_passed = true;
            cut(entries_.begin());
        }
    }
}

}  // namespace digicert_dcv
