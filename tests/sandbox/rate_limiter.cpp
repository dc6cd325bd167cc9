#include "rate_limiter.h"

#include <algorithm>

namespace sandbox {
namespace {

// Anyone can invent keys; the sandbox must not grow without bound when a fuzzer does.
constexpr size_t kMaxTrackedKeys = 10000;

bool window_on(const RateWindow& window) {
    return window.requests > 0 && window.per.count() > 0;
}

}  // namespace

RateLimiter::RateLimiter(RateWindow short_window, RateWindow long_window,
                         std::chrono::milliseconds lockout)
    : short_window_(short_window),
      long_window_(long_window),
      lockout_(lockout),
      longest_(std::max(window_on(short_window) ? short_window.per : std::chrono::milliseconds(0),
                        window_on(long_window) ? long_window.per : std::chrono::milliseconds(0))),
      // One more than the larger limit is all a window ever needs to see to say "over".
      history_cap_(
          static_cast<size_t>(std::max(window_on(short_window) ? short_window.requests : 0,
                                       window_on(long_window) ? long_window.requests : 0)) +
          1) {}

bool RateLimiter::over_window(const KeyHistory& history, const RateWindow& window,
                              Clock::time_point now) const {
    if (!window_on(window)) {
        return false;
    }
    const auto since = now - window.per;
    const auto in_window = static_cast<size_t>(
        history.admitted.end() -
        std::upper_bound(history.admitted.begin(), history.admitted.end(), since));
    return in_window > static_cast<size_t>(window.requests);
}

void RateLimiter::forget_idle_keys(Clock::time_point now) {
    for (auto it = keys_.begin(); it != keys_.end();) {
        const bool idle = it->second.locked_until <= now && it->second.last_seen + longest_ <= now;
        it = idle ? keys_.erase(it) : std::next(it);
    }
    if (keys_.size() < kMaxTrackedKeys) {
        return;
    }
    auto oldest = std::min_element(keys_.begin(), keys_.end(), [](const auto& a, const auto& b) {
        return a.second.last_seen < b.second.last_seen;
    });
    keys_.erase(oldest);
}

bool RateLimiter::admit(const std::string& key, Clock::time_point now) {
    if (!window_on(short_window_) && !window_on(long_window_)) {
        return true;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    if (keys_.size() >= kMaxTrackedKeys && keys_.find(key) == keys_.end()) {
        forget_idle_keys(now);
    }
    KeyHistory& history = keys_[key];
    history.last_seen = now;

    // Our choice where DigiCert's docs are silent: a request during a lockout is refused but
    // neither counted nor allowed to extend the lockout, so a client that keeps polling still
    // gets back in once the lockout ends. A client hammering the key is not rewarded either:
    // it gets nothing but 429 until then.
    if (now < history.locked_until) {
        return false;
    }

    history.admitted.push_back(now);
    while (history.admitted.size() > history_cap_ ||
           (!history.admitted.empty() && history.admitted.front() <= now - longest_)) {
        history.admitted.pop_front();
    }

    if (over_window(history, short_window_, now) || over_window(history, long_window_, now)) {
        // The lockout is the penalty; the windows start empty after it, so recovery is clean
        // and predictable instead of tripping again on requests made before the lockout.
        history.locked_until = now + lockout_;
        history.admitted.clear();
        return false;
    }
    return true;
}

}  // namespace sandbox
