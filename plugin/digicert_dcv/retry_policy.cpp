#include "retry_policy.h"

#include <cstdio>
#include <cstring>
#include <ctime>

namespace digicert_dcv {
namespace {

using std::chrono::milliseconds;

constexpr std::chrono::hours kMaxRetryAfter{24};

std::optional<std::time_t> parse_imf_fixdate(std::string_view value) {
    // "Wed, 21 Oct 2015 07:28:00 GMT": exactly 29 characters.
    if (value.size() != 29 || value.substr(25) != " GMT") {
        return std::nullopt;
    }
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const std::string text(value);
    char weekday[4] = {};
    char month[4] = {};
    int day = 0, year = 0, hour = 0, minute = 0, second = 0;
    if (std::sscanf(text.c_str(), "%3s, %2d %3s %4d %2d:%2d:%2d GMT", weekday, &day, month, &year,
                    &hour, &minute, &second) != 7) {
        return std::nullopt;
    }
    int month_index = -1;
    for (int i = 0; i < 12; ++i) {
        if (std::strcmp(month, kMonths[i]) == 0) {
            month_index = i;
        }
    }
    if (month_index < 0 || day < 1 || day > 31 || year < 1970 || hour > 23 || minute > 59 ||
        second > 60) {
        return std::nullopt;
    }
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = month_index;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = second;
    return timegm(&tm);
}

}  // namespace

bool is_retryable_status(int http_status) {
    return http_status == 429 || (http_status >= 500 && http_status <= 599);
}

bool is_retryable_failure(const TransportFailure& failure) {
    switch (failure.kind) {
        case TransportFailureKind::kReset:
            return true;
        case TransportFailureKind::kTimeout:
            // After the status line the server has acted on the request; do not repeat it.
            return !failure.response_started;
        default:
            return false;
    }
}

bool is_read_only_method(std::string_view method) {
    return method == "GET" || method == "HEAD";
}

bool is_in_doubt(const TransportFailure& failure, std::string_view method) {
    return !is_read_only_method(method) && (failure.request_sent || failure.response_started);
}

std::optional<milliseconds> parse_retry_after(std::string_view value,
                                              std::chrono::system_clock::time_point now) {
    while (!value.empty() && value.front() == ' ') {
        value.remove_prefix(1);
    }
    while (!value.empty() && value.back() == ' ') {
        value.remove_suffix(1);
    }
    if (value.empty()) {
        return std::nullopt;
    }
    if (value.find_first_not_of("0123456789") == std::string_view::npos) {
        if (value.size() > 6) {
            return std::nullopt;  // more than 11 days: not a value we act on
        }
        const milliseconds delay(std::stoll(std::string(value)) * 1000);
        if (delay > kMaxRetryAfter) {
            return std::nullopt;
        }
        return delay;
    }
    const auto when = parse_imf_fixdate(value);
    if (!when) {
        return std::nullopt;
    }
    const auto delta = std::chrono::system_clock::from_time_t(*when) - now;
    if (delta <= std::chrono::system_clock::duration::zero()) {
        return milliseconds(0);
    }
    if (delta > kMaxRetryAfter) {
        return std::nullopt;
    }
    return std::chrono::ceil<milliseconds>(delta);
}

bool RetryPolicy::may_resend_in_doubt(const TransportFailure& failure, bool retryable,
                                      int resends_made) const {
    return retryable && !failure.response_started && resends_made < settings_.in_doubt_retries;
}

milliseconds RetryPolicy::backoff_delay(int failed_attempts, std::mt19937_64& rng) const {
    const int64_t cap = settings_.max_delay.count();
    int64_t ceiling = settings_.initial_delay.count();
    for (int i = 1; i < failed_attempts && ceiling < cap; ++i) {
        ceiling *= 2;
    }
    ceiling = std::min(ceiling, cap);
    if (ceiling <= 0) {
        return milliseconds(0);
    }
    std::uniform_int_distribution<int64_t> jitter(0, ceiling);
    return milliseconds(jitter(rng));
}

RetryDecision RetryPolicy::decide(int attempts_made, bool retryable,
                                  std::optional<milliseconds> retry_after, milliseconds elapsed,
                                  std::mt19937_64& rng) const {
    RetryDecision decision;
    if (!retryable) {
        decision.verdict = RetryDecision::Verdict::kNotRetryable;
        return decision;
    }
    if (attempts_made >= settings_.max_attempts) {
        decision.verdict = RetryDecision::Verdict::kExhausted;
        return decision;
    }
    decision.delay = retry_after ? *retry_after : backoff_delay(attempts_made, rng);
    decision.verdict = elapsed + decision.delay >= settings_.deadline
                           ? RetryDecision::Verdict::kPastDeadline
                           : RetryDecision::Verdict::kRetry;
    return decision;
}

}  // namespace digicert_dcv
