// The schedule of one pacing bucket (one API key), without a clock or a lock of its own, so it
// is tested with plain time points: a sliding log of the times turns were granted, checked
// against every window, and the hold a 429 puts on the whole bucket.
//
// Why a sliding log and not a token bucket: DigiCert counts requests in rolling windows, and a
// log is the only exact model of that. It grants a turn the moment the oldest request that
// fills a window leaves it, so there is no idle gap while budget remains, and never more than
// `requests` in any `per` (plus the safety margin), so there is no burst over a limit.
//
// Grant time is not arrival time: DigiCert counts a request when it arrives, and a request
// granted first can arrive late (a TLS handshake on a new connection, a preempted thread),
// while one granted `per` later arrives at once on a kept-alive connection: two arrivals less
// than `per` apart, and a 429. So a turn stays PENDING until the host knows its request was
// answered (complete()), and is then logged at the time of the answer, which is never before
// the arrival. A pending turn counts as in every window until then. A window therefore frees
// `per` after the answer, not after the grant: on loopback that costs a millisecond a window,
// over the internet one round trip, and it never lets two arrivals fall less than `per` apart.
// A small margin on top covers a server that counts a little after it answers.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
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
    // Counts a turn granted at `at` (never earlier than a previous one); it is pending until
    // complete(). Returns its id.
    uint64_t grant(TimePoint at);
    // The request of turn `id` was answered at `at` (or will never be sent). Unknown ids (already
    // completed) are ignored.
    void complete(uint64_t id, TimePoint at);
    // The server said 429 at `now`. With `retry_after` the bucket is held that long; without,
    // for the current backoff. Returns the end of the hold.
    TimePoint throttle(TimePoint now, std::optional<std::chrono::milliseconds> retry_after);

    TimePoint held_until() const { return held_until_; }
    uint64_t granted() const { return granted_; }
    size_t pending() const { return pending_.size(); }
    uint64_t throttles() const { return throttles_; }
    // Nothing in the log or the hold that still matters at `now`: the bucket can be forgotten.
    bool idle(TimePoint now) const;

  private:
    Duration longest() const;

    std::vector<RateWindow> windows_;
    std::chrono::milliseconds margin_;
    Backoff backoff_;
    std::deque<TimePoint> log_;              // answer times of completed turns, ascending, trimmed
    std::map<uint64_t, TimePoint> pending_;  // granted, not yet answered: id -> grant time
    uint64_t next_id_ = 1;
    TimePoint last_grant_{};
    TimePoint held_until_{};
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
