// Self-pacing for hosts that do not offer `acquire`: per bucket (one per API key), requests are
// held below DigiCert's rolling windows (100 per 5 s and 1000 per 3 min), and after a 429 the
// whole bucket waits, not just the task that saw it. A host pacer, when offered, replaces this.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace digicert_dcv {

struct RateWindowLimit {
    int requests = 0;
    std::chrono::milliseconds per{0};
};

// CertCentral's documented limits per API key ("subject to change"; describe declares them so a
// host can override them per account).
const std::vector<RateWindowLimit>& certcentral_rate_limits();

// "api_key:" + the first 16 hex digits of SHA-256(key): names the key's bucket without the key.
std::string pacing_bucket_for_key(std::string_view api_key);

// The windows of one bucket: no clock and no lock of its own, so it is tested with plain
// time points.
class RollingWindowLimiter {
  public:
    using TimePoint = std::chrono::steady_clock::time_point;
    explicit RollingWindowLimiter(std::vector<RateWindowLimit> windows);

    // How long from `now` until one more request fits every window (zero: it fits now).
    std::chrono::steady_clock::duration wait_before_next(TimePoint now) const;
    void record(TimePoint now);
    void hold_until(TimePoint until);  // nothing goes before `until` (after a 429)
    bool idle(TimePoint now) const;    // nothing recorded or held that still matters

  private:
    std::vector<RateWindowLimit> windows_;
    std::chrono::milliseconds longest_{0};
    std::deque<TimePoint> sent_;  // ascending; trimmed to the longest window
    TimePoint held_until_{};
};

class RequestPacer {
  public:
    using TimePoint = std::chrono::steady_clock::time_point;
    struct Clock {
        std::function<TimePoint()> now;
        std::function<void(std::chrono::milliseconds)> sleep;
    };
    enum class Turn { kGo, kCancelled, kOutOfTime };

    // The process-wide pacer on the real clock with certcentral_rate_limits().
    static RequestPacer& shared();
    RequestPacer(std::vector<RateWindowLimit> windows, Clock clock);

    // Blocks until `bucket` has room, then counts the request and returns kGo. Polls
    // `cancelled` at least every 50 ms; returns kOutOfTime at once when room would only come
    // after `deadline`.
    Turn acquire(const std::string& bucket, const std::function<bool()>& cancelled,
                 TimePoint deadline);

    // The server said 429: hold every request on `bucket` for `hold`.
    void throttled(const std::string& bucket, std::chrono::milliseconds hold);

  private:
    RollingWindowLimiter& limiter_for(const std::string& bucket);  // mutex_ held

    std::vector<RateWindowLimit> windows_;
    Clock clock_;
    std::mutex mutex_;
    std::map<std::string, RollingWindowLimiter> buckets_;
};

}  // namespace digicert_dcv
