// DigiCert's per-API-key limits: two rolling windows (100 per 5 s and 1000 per 3 min today) and,
// once either is exceeded, a lockout during which every request from that key is refused.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <string>

#include "sandbox_server.h"

namespace sandbox {

class RateLimiter {
  public:
    using Clock = std::chrono::steady_clock;

    RateLimiter(RateWindow short_window, RateWindow long_window, std::chrono::milliseconds lockout);

    // Counts one request from `key` (the X-DC-DEVKEY value as sent, known to the sandbox or
    // not, "" when absent) and says whether it may be served. false: answer 429.
    bool admit(const std::string& key, Clock::time_point now);

  private:
    struct KeyHistory {
        std::deque<Clock::time_point> admitted;  // newest at the back, within the longest window
        Clock::time_point locked_until{};
        Clock::time_point last_seen{};
    };

    bool over_window(const KeyHistory& history, const RateWindow& window,
                     Clock::time_point now) const;
    void forget_idle_keys(Clock::time_point now);

    const RateWindow short_window_;
    const RateWindow long_window_;
    const std::chrono::milliseconds lockout_;
    const std::chrono::milliseconds longest_;
    const size_t history_cap_;

    std::mutex mutex_;
    std::map<std::string, KeyHistory> keys_;
};

}  // namespace sandbox
