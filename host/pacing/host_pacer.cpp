#include "pacing/host_pacer.h"

#include <algorithm>

namespace taskhost {
namespace {

// Past this many buckets, idle ones are forgotten so that many keys cannot grow the map forever.
constexpr size_t kMaxBuckets = 1024;

}  // namespace

HostPacer::HostPacer(PacerSettings settings) : settings_(settings) {}

HostPacer::Bucket& HostPacer::bucket_for(const std::string& name,
                                         const std::vector<RateWindow>* windows) {
    auto found = buckets_.find(name);
    if (found == buckets_.end()) {
        if (buckets_.size() >= kMaxBuckets) {
            forget_idle_buckets(Clock::now());
        }
        found =
            buckets_
                .emplace(name, Bucket{BucketSchedule(windows ? *windows : std::vector<RateWindow>{},
                                                     settings_.safety_margin, settings_.backoff),
                                      {},
                                      {},
                                      windows ? *windows : std::vector<RateWindow>{}})
                .first;
    } else if (windows != nullptr) {
        found->second.schedule.set_windows(*windows);
        found->second.windows = *windows;
    }
    return found->second;
}

void HostPacer::forget_idle_buckets(Clock::time_point now) {
    for (auto it = buckets_.begin(); it != buckets_.end();) {
        const bool idle = it->second.queue.empty() && it->second.shared_turns.empty() &&
                          it->second.schedule.idle(now);
        it = idle ? buckets_.erase(it) : std::next(it);
    }
}

bool HostPacer::ask_cancelled(std::unique_lock<std::mutex>& lock,
                              const std::function<bool()>& cancelled) {
    if (!cancelled) {
        return false;
    }
    lock.unlock();
    const bool asked = cancelled();
    lock.lock();
    return asked;
}

HostPacer::Turn HostPacer::acquire(const std::string& name, const std::vector<RateWindow>& windows,
                                   const std::function<bool()>& cancelled,
                                   std::optional<Clock::time_point> deadline, uint64_t* grant) {
    const Clock::time_point asked = Clock::now();
    const Turn turn = wait_for_turn(name, windows, cancelled, deadline, grant);
    std::lock_guard<std::mutex> lock(mutex_);
    // The bucket exists: a waiter keeps it (in the queue, then by its pending turn). Should
    // it have been forgotten meanwhile, its wait goes with it, like its other counters.
    const auto found = buckets_.find(name);
    if (found != buckets_.end()) {
        found->second.waited += Clock::now() - asked;
    }
    return turn;
}

HostPacer::Turn HostPacer::wait_for_turn(const std::string& name,
                                         const std::vector<RateWindow>& windows,
                                         const std::function<bool()>& cancelled,
                                         std::optional<Clock::time_point> deadline,
                                         uint64_t* grant) {
    std::unique_lock<std::mutex> lock(mutex_);
    const uint64_t ticket = next_ticket_++;
    bucket_for(name, &windows).queue.push_back(ticket);
    const auto leave = [&](Turn turn) {
        // The map may have changed while we waited; look the bucket up again.
        std::deque<uint64_t>& queue = bucket_for(name, nullptr).queue;
        queue.erase(std::remove(queue.begin(), queue.end(), ticket), queue.end());
        changed_.notify_all();
        return turn;
    };
    for (;;) {
        if (stopped_) {
            return leave(Turn::kCancelled);
        }
        Bucket& bucket = bucket_for(name, nullptr);
        const Clock::time_point now = Clock::now();
        Clock::time_point wake = now + settings_.cancel_poll;
        if (bucket.queue.front() == ticket) {
            const Clock::time_point turn = bucket.schedule.next_turn(now);
            if (turn <= now) {
                const uint64_t id = bucket.schedule.grant(now);
                bucket.queue.pop_front();
                changed_.notify_all();  // the next in line may go too
                if (shared_ != nullptr) {
                    lock.unlock();
                    const Turn shared =
                        take_shared(name, windows, cancelled, deadline, id, grant != nullptr);
                    lock.lock();
                    if (shared != Turn::kGo) {
                        bucket_for(name, nullptr).schedule.complete(id, Clock::now());
                        changed_.notify_all();
                        return shared;
                    }
                }
                if (grant != nullptr) {
                    *grant = id;
                } else {
                    bucket_for(name, nullptr).schedule.complete(id, Clock::now());
                }
                return Turn::kGo;
            }
            // Clock::time_point::max(): full of pending turns, free only after an answer.
            if (deadline && (turn > *deadline) &&
                (turn != Clock::time_point::max() || now >= *deadline)) {
                return leave(Turn::kOutOfTime);
            }
            wake = std::min(wake, turn);
        }
        changed_.wait_until(lock, wake);
        if (ask_cancelled(lock, cancelled)) {
            return leave(Turn::kCancelled);
        }
    }
}

HostPacer::Turn HostPacer::take_shared(const std::string& name,
                                       const std::vector<RateWindow>& windows,
                                       const std::function<bool()>& cancelled,
                                       std::optional<Clock::time_point> deadline, uint64_t local,
                                       bool keep) {
    uint64_t turn = 0;
    const auto stop_or_cancel = [this, &cancelled] {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (stopped_) {
                return true;
            }
        }
        return cancelled && cancelled();
    };
    switch (shared_->take(name, windows, stop_or_cancel, deadline, &turn)) {
        case SharedBudget::Turn::kGo:
            break;
        case SharedBudget::Turn::kCancelled:
            return Turn::kCancelled;
        case SharedBudget::Turn::kOutOfTime:
            return Turn::kOutOfTime;
        case SharedBudget::Turn::kUnavailable:
            return Turn::kUnavailable;
    }
    if (!keep) {
        shared_->complete(name, turn);
        return Turn::kGo;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    bucket_for(name, nullptr).shared_turns.emplace(local, turn);
    return Turn::kGo;
}

HostPacer::Turn HostPacer::await_room(const std::string& name,
                                      const std::function<bool()>& cancelled) {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
        if (stopped_) {
            return Turn::kCancelled;
        }
        const auto found = buckets_.find(name);
        const Clock::time_point now = Clock::now();
        Clock::time_point wake = now + settings_.cancel_poll;
        if (found == buckets_.end()) {
            return Turn::kGo;
        }
        if (found->second.queue.empty()) {
            const Clock::time_point turn = found->second.schedule.next_turn(now);
            if (turn <= now && shared_ != nullptr) {
                const std::vector<RateWindow> windows = found->second.windows;
                lock.unlock();
                const SharedBudget::Turn shared = shared_->await_room(name, windows, cancelled);
                return shared == SharedBudget::Turn::kGo          ? Turn::kGo
                       : shared == SharedBudget::Turn::kCancelled ? Turn::kCancelled
                                                                  : Turn::kUnavailable;
            }
            if (turn <= now) {
                return Turn::kGo;
            }
            wake = std::min(wake, turn);
        }
        changed_.wait_until(lock, wake);
        if (ask_cancelled(lock, cancelled)) {
            return Turn::kCancelled;
        }
    }
}

void HostPacer::complete(const std::string& name, uint64_t grant) {
    std::optional<uint64_t> shared_turn;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        const auto found = buckets_.find(name);
        if (found == buckets_.end()) {
            return;
        }
        found->second.schedule.complete(grant, Clock::now());
        const auto shared = found->second.shared_turns.find(grant);
        if (shared != found->second.shared_turns.end()) {
            shared_turn = shared->second;
            found->second.shared_turns.erase(shared);
        }
        changed_.notify_all();
    }
    if (shared_turn) {
        shared_->complete(name, *shared_turn);
    }
}

void HostPacer::throttled(const std::string& name, std::chrono::milliseconds retry_after) {
    Clock::time_point held_until;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        const Clock::time_point now = Clock::now();
        held_until =
            bucket_for(name, nullptr)
                .schedule.throttle(now, retry_after.count() > 0
                                            ? std::optional<std::chrono::milliseconds>(retry_after)
                                            : std::nullopt);
        changed_.notify_all();
        if (shared_ == nullptr) {
            return;
        }
        retry_after = std::chrono::duration_cast<std::chrono::milliseconds>(held_until - now);
    }
    shared_->throttled(name, retry_after);
}

void HostPacer::stop() {
    std::lock_guard<std::mutex> lock(mutex_);
    stopped_ = true;
    changed_.notify_all();
}

std::map<std::string, HostPacer::BucketStats> HostPacer::stats() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::map<std::string, BucketStats> out;
    for (const auto& entry : buckets_) {
        BucketStats stats;
        stats.granted = entry.second.schedule.granted();
        stats.pending = entry.second.schedule.pending();
        stats.throttles = entry.second.schedule.throttles();
        stats.waiting = entry.second.queue.size();
        stats.waited = entry.second.waited;
        stats.windows = entry.second.schedule.windows();
        out.emplace(entry.first, stats);
    }
    return out;
}

}  // namespace taskhost
