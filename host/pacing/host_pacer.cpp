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
                                      {}})
                .first;
    } else if (windows != nullptr) {
        found->second.schedule.set_windows(*windows);
    }
    return found->second;
}

void HostPacer::forget_idle_buckets(Clock::time_point now) {
    for (auto it = buckets_.begin(); it != buckets_.end();) {
        const bool idle = it->second.queue.empty() && it->second.schedule.idle(now);
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
                if (grant != nullptr) {
                    *grant = id;
                } else {
                    bucket.schedule.complete(id, now);
                }
                bucket.queue.pop_front();
                changed_.notify_all();  // the next in line may go too
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
    std::lock_guard<std::mutex> lock(mutex_);
    const auto found = buckets_.find(name);
    if (found != buckets_.end()) {
        found->second.schedule.complete(grant, Clock::now());
        changed_.notify_all();
    }
}

void HostPacer::throttled(const std::string& name, std::chrono::milliseconds retry_after) {
    std::lock_guard<std::mutex> lock(mutex_);
    bucket_for(name, nullptr)
        .schedule.throttle(Clock::now(), retry_after.count() > 0
                                             ? std::optional<std::chrono::milliseconds>(retry_after)
                                             : std::nullopt);
    changed_.notify_all();
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
        stats.windows = entry.second.schedule.windows();
        out.emplace(entry.first, stats);
    }
    return out;
}

}  // namespace taskhost
