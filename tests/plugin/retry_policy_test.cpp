// Which results retry, the bounds of the jittered backoff (seeded RNG), the deadline,
// Retry-After in both of its forms, and which sends are in doubt.
#include <gtest/gtest.h>

#include <algorithm>
#include <ctime>

#include "retry_policy.h"

namespace {

using namespace digicert_dcv;
using std::chrono::milliseconds;
using Verdict = RetryDecision::Verdict;

RetrySettings settings(int attempts, int initial_ms, int max_ms, int deadline_ms) {
    RetrySettings s;
    s.max_attempts = attempts;
    s.initial_delay = milliseconds(initial_ms);
    s.max_delay = milliseconds(max_ms);
    s.deadline = milliseconds(deadline_ms);
    return s;
}

TEST(RetryPolicy, RetriesOnly429And5xx) {
    for (int status : {429, 500, 502, 503, 504, 599}) {
        EXPECT_TRUE(is_retryable_status(status)) << status;
    }
    for (int status : {200, 204, 301, 400, 401, 403, 404, 409, 422, 428, 431, 600}) {
        EXPECT_FALSE(is_retryable_status(status)) << status;
    }
}

TEST(RetryPolicy, BackoffStaysWithinTheExponentialCeilingAndTheCap) {
    const RetryPolicy policy(settings(10, 100, 1000, 120000));
    std::mt19937_64 rng(12345);
    for (int failed = 1; failed <= 10; ++failed) {
        const int64_t ceiling = std::min<int64_t>(1000, int64_t{100} << (failed - 1));
        int64_t largest = 0;
        for (int i = 0; i < 2000; ++i) {
            const int64_t delay = policy.backoff_delay(failed, rng).count();
            ASSERT_GE(delay, 0);
            ASSERT_LE(delay, ceiling) << "attempt " << failed;
            largest = std::max(largest, delay);
        }
        EXPECT_GT(largest, ceiling * 9 / 10) << "full jitter reaches near the ceiling";
    }
}

TEST(RetryPolicy, BackoffIsReproducibleWithTheSameSeed) {
    const RetryPolicy policy(settings(5, 500, 30000, 120000));
    std::mt19937_64 a(7);
    std::mt19937_64 b(7);
    for (int failed = 1; failed <= 5; ++failed) {
        EXPECT_EQ(policy.backoff_delay(failed, a), policy.backoff_delay(failed, b));
    }
}

TEST(RetryPolicy, ZeroInitialDelayMeansNoWait) {
    const RetryPolicy policy(settings(5, 0, 0, 1000));
    std::mt19937_64 rng(1);
    EXPECT_EQ(policy.backoff_delay(3, rng).count(), 0);
}

TEST(RetryPolicy, DecidesNotRetryableExhaustedRetryAndDeadline) {
    const RetryPolicy policy(settings(3, 10, 20, 1000));
    std::mt19937_64 rng(3);
    EXPECT_EQ(policy.decide(1, false, std::nullopt, milliseconds(0), rng).verdict,
              Verdict::kNotRetryable);
    EXPECT_EQ(policy.decide(3, true, std::nullopt, milliseconds(0), rng).verdict,
              Verdict::kExhausted);
    const RetryDecision retry = policy.decide(2, true, std::nullopt, milliseconds(0), rng);
    EXPECT_EQ(retry.verdict, Verdict::kRetry);
    EXPECT_LE(retry.delay.count(), 20);
    EXPECT_EQ(policy.decide(1, true, milliseconds(0), milliseconds(995), rng).verdict,
              Verdict::kRetry);
    EXPECT_EQ(policy.decide(1, true, milliseconds(10), milliseconds(995), rng).verdict,
              Verdict::kPastDeadline);
    EXPECT_EQ(policy.decide(1, true, std::nullopt, milliseconds(1000), rng).verdict,
              Verdict::kPastDeadline);
}

TEST(RetryPolicy, RetryAfterReplacesTheBackoffButNotTheDeadline) {
    const RetryPolicy policy(settings(5, 10, 20, 10000));
    std::mt19937_64 rng(5);
    const RetryDecision honoured = policy.decide(1, true, milliseconds(3000), milliseconds(0), rng);
    EXPECT_EQ(honoured.verdict, Verdict::kRetry);
    EXPECT_EQ(honoured.delay, milliseconds(3000)) << "beyond max_delay, still honoured";
    const RetryDecision too_late =
        policy.decide(1, true, milliseconds(9000), milliseconds(2000), rng);
    EXPECT_EQ(too_late.verdict, Verdict::kPastDeadline);
    EXPECT_EQ(too_late.delay, milliseconds(9000));
}

TEST(RetryPolicy, ParsesRetryAfterSeconds) {
    const auto now = std::chrono::system_clock::now();
    EXPECT_EQ(parse_retry_after("120", now), milliseconds(120000));
    EXPECT_EQ(parse_retry_after(" 5 ", now), milliseconds(5000));
    EXPECT_EQ(parse_retry_after("0", now), milliseconds(0));
    EXPECT_FALSE(parse_retry_after("-1", now).has_value());
    EXPECT_FALSE(parse_retry_after("1.5", now).has_value());
    EXPECT_FALSE(parse_retry_after("", now).has_value());
    EXPECT_FALSE(parse_retry_after("soon", now).has_value());
    EXPECT_FALSE(parse_retry_after("99999999999999999999", now).has_value());
    EXPECT_FALSE(parse_retry_after("90000", now).has_value()) << "more than a day";
}

TEST(RetryPolicy, ParsesRetryAfterHttpDates) {
    // Wed, 21 Oct 2015 07:28:00 GMT
    const auto at = std::chrono::system_clock::from_time_t(1445412480);
    EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", at - std::chrono::seconds(90)),
              milliseconds(90000));
    EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", at + std::chrono::seconds(5)),
              milliseconds(0))
        << "a date in the past means now";
    EXPECT_FALSE(parse_retry_after("Wed, 21 Foo 2015 07:28:00 GMT", at).has_value());
    EXPECT_FALSE(parse_retry_after("Wed, 21 Oct 2015 07:28:00 UTC", at).has_value());
    EXPECT_FALSE(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", at - std::chrono::hours(48))
                     .has_value());
}

TEST(RetryPolicy, TransportFailuresRetryOnlyResetsAndEarlyTimeouts) {
    EXPECT_TRUE(is_retryable_failure({TransportFailureKind::kReset, "", false}));
    EXPECT_TRUE(is_retryable_failure({TransportFailureKind::kTimeout, "", false}));
    EXPECT_FALSE(is_retryable_failure({TransportFailureKind::kTimeout, "", true}));
    EXPECT_FALSE(is_retryable_failure({TransportFailureKind::kTls, "", false}));
    EXPECT_FALSE(is_retryable_failure({TransportFailureKind::kRefused, "", false}));
    EXPECT_FALSE(is_retryable_failure({TransportFailureKind::kDns, "", false}));
    EXPECT_FALSE(is_retryable_failure({TransportFailureKind::kProtocol, "", false}));
}

TEST(RetryPolicy, ASendIsInDoubtOnlyOnceTheWholeRequestWasWritten) {
    const TransportFailure before_sent{TransportFailureKind::kReset, "", false, false};
    const TransportFailure after_sent{TransportFailureKind::kReset, "", false, true};
    const TransportFailure mid_answer{TransportFailureKind::kReset, "", true, true};
    EXPECT_FALSE(is_in_doubt(before_sent, "PUT")) << "nothing reached the server whole";
    EXPECT_TRUE(is_in_doubt(after_sent, "PUT"));
    EXPECT_TRUE(is_in_doubt(mid_answer, "PUT"));
    EXPECT_TRUE(is_in_doubt(after_sent, "POST"));
    EXPECT_FALSE(is_in_doubt(after_sent, "GET")) << "a read changes nothing";
    EXPECT_FALSE(is_in_doubt(mid_answer, "HEAD"));
    EXPECT_TRUE(is_read_only_method("GET"));
    EXPECT_FALSE(is_read_only_method("PUT"));
}

TEST(RetryPolicy, InDoubtResendsAreCountedAndDefaultToNone) {
    const TransportFailure no_answer{TransportFailureKind::kReset, "", false, true};
    const TransportFailure mid_answer{TransportFailureKind::kReset, "", true, true};
    const RetryPolicy by_default(RetrySettings{});
    EXPECT_EQ(RetrySettings{}.in_doubt_retries, 0);
    EXPECT_FALSE(by_default.may_resend_in_doubt(no_answer, true, 0));
    RetrySettings two = settings(5, 1, 5, 1000);
    two.in_doubt_retries = 2;
    const RetryPolicy policy(two);
    EXPECT_TRUE(policy.may_resend_in_doubt(no_answer, true, 0));
    EXPECT_TRUE(policy.may_resend_in_doubt(no_answer, true, 1));
    EXPECT_FALSE(policy.may_resend_in_doubt(no_answer, true, 2)) << "both resends used";
    EXPECT_FALSE(policy.may_resend_in_doubt(no_answer, false, 0)) << "not retryable anyway";
    EXPECT_FALSE(policy.may_resend_in_doubt(mid_answer, true, 0)) << "the server had answered";
}

}  // namespace
