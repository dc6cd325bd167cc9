// The schedule of one pacing bucket (one API key), without a clock or a lock of its own, so it
// is tested with plain time points: a sliding log of the times turns were granted, checked
// against every window, and the hold a 429 puts on the whole bucket.
//
// Why a sliding log and not a token bucket: DigiCert counts requests in rolling windows, and a
// log is the only exact model of that. It grants a turn the moment the oldest request that
// fills a window leaves it, so there is no idle gap while budget remains, and never more than
// `requests` in any `per` (plus the safety margin), so there is no burst over a limit.
//
// The safety margin: the log holds the times turns were granted, but DigiCert counts the times
// requests arrive. Two requests granted exactly `per` apart can arrive less than `per` apart
// when the earlier one took longer on the way (a TLS handshake, a preempted thread). Each window
// is therefore treated as `per + margin` long; the margin costs margin/per of the throughput
// only when a window is full, and nothing before.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "pacing/rate_window.h"

namespace taskhost {

class BucketSchedule {
  public:
    using TimePoint = std::chrono::steady_clock::time_point;
    using Duration = std::chrono::steady_clock::duration;

    struct Backoff {
        // The first hold after a 429 that came without Retry-After; doubled for each further
        // 429 that arrives after the previous hold ended, up to `max`.
        std::chrono::milliseconds first{std::chrono::seconds(5)};
        std::chrono::milliseconds max{std::chrono::minutes(5)};
    };

    BucketSchedule(std::vector<RateWindow> windows, std::chrono::milliseconds margin,
                   Backoff backoff);

    // The windows may change while the bucket lives (a config reload); the log is kept.
    void set_windows(std::vector<RateWindow> windows);
    const std::vector<RateWindow>& windows() const { return windows_; }

    // The earliest time, not before `now`, at which one more turn fits every window and the
    // bucket is not held.
    TimePoint next_turn(TimePoint now) const;
    // Counts a turn granted at `at` (never earlier than a previous one).
    void grant(TimePoint at);
    // The server said 429 at `now`. With `retry_after` the bucket is held that long; without,
    // for the current backoff. Returns the end of the hold.
    TimePoint throttle(TimePoint now, std::optional<std::chrono::milliseconds> retry_after);

    TimePoint held_until() const { return held_until_; }
    uint64_t granted() const { return granted_; }
    uint64_t throttles() const { return throttles_; }
    // Nothing in the log or the hold that still matters at `now`: the bucket can be forgotten.
    bool idle(TimePoint now) const;

  private:
    Duration longest() const;

    std::vector<RateWindow> windows_;
    std::chrono::milliseconds margin_;
    Backoff backoff_;
    std::deque<TimePoint> log_;  // grant times, ascending, trimmed to the longest window
    TimePoint held_until_{};
    TimePoint last_throttle_{};
    int strikes_ = 0;
    uint64_t granted_ = 0;
    uint64_t throttles_ = 0;
};

// When the n-th turn (0-based) is granted at the earliest, for n = 0..count-1, if every turn is
// asked for at time zero: the shortest schedule `windows` allow. The benchmark compares its
// elapsed time with the last of these.
std::vector<std::chrono::milliseconds> shortest_schedule(const std::vector<RateWindow>& windows,
                                                         size_t count);

}  // namespace taskhost
