// Which attempt results are worth another try, and how long to wait before it: exponential
// backoff with full jitter, each delay capped, the whole task bounded by a deadline, and a
// server's Retry-After honoured (but never past the deadline).
#pragma once

#include <chrono>
#include <optional>
#include <random>
#include <string_view>

#include "certcentral_client.h"
#include "dcv_resend_spec.h"

namespace digicert_dcv {

// 429 and 5xx. Never any other 4xx: the same request would fail the same way.
bool is_retryable_status(int http_status);

// A reset (or a close before any answer) and a timeout before the response started. Never TLS:
// a certificate does not fix itself, and retrying only hides the problem.
bool is_retryable_failure(const TransportFailure& failure);

// GET and HEAD: reads that change nothing on the server, so repeating one is always harmless.
bool is_read_only_method(std::string_view method);

// A failure after the whole request was written and before (or while) the answer came: the
// server may have acted on it, and nothing says it did not. Such a send of a request that is
// not read-only is "in doubt": repeating it may do it twice.
bool is_in_doubt(const TransportFailure& failure, std::string_view method);

// Retry-After as delta-seconds ("120") or an IMF-fixdate ("Wed, 21 Oct 2015 07:28:00 GMT").
// A date in the past is zero; anything else (or more than a day) is not understood: nullopt.
std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now);

struct RetryDecision {
    enum class Verdict {
        kRetry,         // wait `delay`, then try again
        kNotRetryable,  // the failure is final
        kExhausted,     // max_attempts reached
        kPastDeadline,  // the next try could not start before the deadline
    } verdict = Verdict::kNotRetryable;
    std::chrono::milliseconds delay{0};
};

class RetryPolicy {
  public:
    explicit RetryPolicy(RetrySettings settings) : settings_(settings) {}

    // Full jitter: uniform in [0, min(max_delay, initial_delay * 2^(failed_attempts-1))].
    std::chrono::milliseconds backoff_delay(int failed_attempts, std::mt19937_64& rng) const;

    // After `attempts_made` attempts, the last one failed (`retryable` or not), `elapsed` since
    // the task started. Retry-After, when the server gave one, replaces the backoff.
    RetryDecision decide(int attempts_made, bool retryable,
                         std::optional<std::chrono::milliseconds> retry_after,
                         std::chrono::milliseconds elapsed, std::mt19937_64& rng) const;

    // Whether an in-doubt failure (otherwise `retryable`) may be sent again, after
    // `resends_made` in-doubt resends: only when no answer had started (once the server
    // answered, it acted) and fewer than in_doubt_retries were made.
    bool may_resend_in_doubt(const TransportFailure& failure, bool retryable,
                             int resends_made) const;

    const RetrySettings& settings() const { return settings_; }

  private:
    RetrySettings settings_;
};

}  // namespace digicert_dcv
