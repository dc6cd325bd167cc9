#include "pacing/bucket_schedule.h"

#include <algorithm>

namespace taskhost {

BucketSchedule::BucketSchedule(std::vector<RateWindow> windows, std::chrono::milliseconds margin,
                               Backoff backoff)
    : windows_(std::move(windows)), margin_(margin), backoff_(backoff) {}

void BucketSchedule::set_windows(std::vector<RateWindow> windows) {
    windows_ = std::move(windows);
}

BucketSchedule::Duration BucketSchedule::longest() const {
    Duration longest = Duration::zero();
    for (const RateWindow& window : windows_) {
        if (window.requests > 0) {
            longest = std::max<Duration>(longest, window.per + margin_);
        }
    }
    return longest;
}

BucketSchedule::TimePoint BucketSchedule::next_turn(TimePoint now) const {
    TimePoint turn = std::max({now, held_until_, last_grant_});  // turns go in time order
    for (const RateWindow& window : windows_) {
        const auto limit = static_cast<size_t>(window.requests);
        if (limit == 0) {
            continue;
        }
        if (pending_.size() >= limit) {
            return TimePoint::max();  // full until an answer comes: complete() is the wake-up
        }
        // Pending turns are the most recent; then the (limit - pending)-th most recent answer
        // must have left the (widened) window.
        const size_t need = limit - pending_.size();
        if (log_.size() >= need) {
            turn = std::max(turn, log_[log_.size() - need] + window.per + margin_);
        }
    }
    return turn;
}

uint64_t BucketSchedule::grant(TimePoint at) {
    const uint64_t id = next_id_++;
    pending_.emplace(id, at);
    last_grant_ = std::max(last_grant_, at);
    ++granted_;
    return id;
}

void BucketSchedule::complete(uint64_t id, TimePoint at) {
    const auto found = pending_.find(id);
    if (found == pending_.end()) {
        return;
    }
    at = std::max(at, found->second);
    pending_.erase(found);
    log_.insert(std::upper_bound(log_.begin(), log_.end(), at), at);
    const Duration keep = longest();
    // The log never needs more entries than the largest limit; older ones are also dropped once
    // they left every window.
    size_t largest = 0;
    for (const RateWindow& window : windows_) {
        largest = std::max(largest, static_cast<size_t>(std::max<int64_t>(window.requests, 0)));
    }
    while (!log_.empty() && (log_.size() > largest || log_.front() + keep <= at)) {
        log_.pop_front();
    }
}

BucketSchedule::TimePoint BucketSchedule::throttle(
    TimePoint now, std::optional<std::chrono::milliseconds> retry_after) {
    ++throttles_;
    std::chrono::milliseconds hold;
    if (retry_after && retry_after->count() > 0) {
        hold = *retry_after;
    } else {
        // A 429 for a request sent before the current hold began says nothing new: every task
        // in flight at the moment of a lockout sees one. Only a 429 after the hold ended means
        // the hold was too short. A quiet spell after the hold forgives earlier strikes.
        const Duration forgive = std::max<Duration>(longest(), backoff_.max);
        if (strikes_ == 0 || now - held_until_ > forgive) {
            strikes_ = 1;
        } else if (now >= held_until_) {
            ++strikes_;
        }
        hold = backoff_.first;
        for (int i = 1; i < strikes_ && hold < backoff_.max; ++i) {
            hold *= 2;
        }
        hold = std::min(hold, backoff_.max);
    }
    held_until_ = std::max(held_until_, now + hold);
    return held_until_;
}

bool BucketSchedule::idle(TimePoint now) const {
    return held_until_ <= now && pending_.empty() &&
           (log_.empty() || log_.back() + longest() <= now);
}

std::vector<std::chrono::milliseconds> shortest_schedule(const std::vector<RateWindow>& windows,
                                                         size_t count) {
    BucketSchedule schedule(windows, std::chrono::milliseconds(0), BucketSchedule::Backoff{});
    const BucketSchedule::TimePoint zero{};
    std::vector<std::chrono::milliseconds> times;
    times.reserve(count);
    for (size_t i = 0; i < count; ++i) {
        // Greedy earliest-first is optimal for sliding windows: granting a turn later never
        // lets a later turn go earlier.
        const BucketSchedule::TimePoint at = schedule.next_turn(zero);
        schedule.complete(schedule.grant(at), at);  // answered at once: the ideal
        times.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(at - zero));
    }
    return times;
}

}  // namespace taskhost
