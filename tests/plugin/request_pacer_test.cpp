// The self-pacer on a fake clock: both rolling windows, the hold after a 429, cancellation and
// the deadline. Time only moves when the pacer sleeps, so nothing here depends on speed.
#include <gtest/gtest.h>

#include <string>

#include "request_pacer.h"

namespace {

using namespace digicert_dcv;
using std::chrono::milliseconds;
using std::chrono::seconds;
using TimePoint = std::chrono::steady_clock::time_point;

struct FakeClock {
    TimePoint now{std::chrono::hours(1000)};
    milliseconds slept{0};
    int sleeps = 0;
    RequestPacer::Clock clock() {
        return RequestPacer::Clock{[this] { return now; },
                                   [this](milliseconds d) {
                                       now += d;
                                       slept += d;
                                       ++sleeps;
                                   }};
    }
};

const auto never_cancelled = [] { return false; };

// Takes the 100 turns of `bucket`'s short window at once (no time passes).
void use_up_short_window(RequestPacer& pacer, FakeClock& fake, const std::string& bucket) {
    for (int i = 0; i < 100; ++i) {
        pacer.acquire(bucket, never_cancelled, fake.now + seconds(60));
    }
}

TEST(RollingWindowLimiter, AllowsAFullShortWindowThenWaitsForItsOldestToLeave) {
    RollingWindowLimiter limiter(certcentral_rate_limits());
    const TimePoint t0{seconds(50)};
    for (int i = 0; i < 100; ++i) {
        ASSERT_EQ(limiter.wait_before_next(t0 + milliseconds(i)).count(), 0) << i;
        limiter.record(t0 + milliseconds(i));
    }
    EXPECT_EQ(limiter.wait_before_next(t0 + milliseconds(100)), seconds(5) - milliseconds(100));
    EXPECT_EQ(limiter.wait_before_next(t0 + seconds(5)).count(), 0);
}

TEST(RollingWindowLimiter, TheLongWindowCapsAThousandPerThreeMinutes) {
    RollingWindowLimiter limiter(certcentral_rate_limits());
    const TimePoint t0{seconds(50)};
    // 100 every 5 s never trips the short window, but the 1001st must wait for the first + 180 s.
    for (int burst = 0; burst < 10; ++burst) {
        for (int i = 0; i < 100; ++i) {
            const TimePoint t = t0 + seconds(5) * burst + milliseconds(i);
            ASSERT_EQ(limiter.wait_before_next(t).count(), 0) << burst << "/" << i;
            limiter.record(t);
        }
    }
    const TimePoint later = t0 + seconds(50);
    EXPECT_EQ(limiter.wait_before_next(later), seconds(180) - seconds(50));
}

TEST(RollingWindowLimiter, AHoldBlocksUntilItEnds) {
    RollingWindowLimiter limiter(certcentral_rate_limits());
    const TimePoint t0{seconds(50)};
    limiter.hold_until(t0 + seconds(7));
    EXPECT_EQ(limiter.wait_before_next(t0), seconds(7));
    limiter.hold_until(t0 + seconds(2));  // a shorter hold never shortens a longer one
    EXPECT_EQ(limiter.wait_before_next(t0), seconds(7));
    EXPECT_EQ(limiter.wait_before_next(t0 + seconds(7)).count(), 0);
}

TEST(RequestPacer, BlocksThe101stRequestUntilTheShortWindowRolls) {
    FakeClock fake;
    RequestPacer pacer(certcentral_rate_limits(), fake.clock());
    const TimePoint start = fake.now;
    for (int i = 0; i < 100; ++i) {
        ASSERT_EQ(pacer.acquire("api_key:a", never_cancelled, start + seconds(60)),
                  RequestPacer::Turn::kGo);
    }
    EXPECT_EQ(fake.sleeps, 0);
    EXPECT_EQ(pacer.acquire("api_key:a", never_cancelled, start + seconds(60)),
              RequestPacer::Turn::kGo);
    EXPECT_EQ(fake.now - start, seconds(5)) << "waited exactly until the window rolled";
    EXPECT_GE(fake.sleeps, 100) << "in slices of at most 50 ms";
}

TEST(RequestPacer, BucketsAreIndependent) {
    FakeClock fake;
    RequestPacer pacer(certcentral_rate_limits(), fake.clock());
    use_up_short_window(pacer, fake, "api_key:a");
    EXPECT_EQ(pacer.acquire("api_key:b", never_cancelled, fake.now + seconds(60)),
              RequestPacer::Turn::kGo);
    EXPECT_EQ(fake.sleeps, 0);
}

TEST(RequestPacer, SaysOutOfTimeWithoutWaitingWhenTheSlotComesAfterTheDeadline) {
    FakeClock fake;
    RequestPacer pacer(certcentral_rate_limits(), fake.clock());
    use_up_short_window(pacer, fake, "api_key:a");
    EXPECT_EQ(pacer.acquire("api_key:a", never_cancelled, fake.now + seconds(1)),
              RequestPacer::Turn::kOutOfTime);
    EXPECT_EQ(fake.sleeps, 0);
}

TEST(RequestPacer, StopsWaitingWhenCancelled) {
    FakeClock fake;
    RequestPacer pacer(certcentral_rate_limits(), fake.clock());
    use_up_short_window(pacer, fake, "api_key:a");
    int asked = 0;
    EXPECT_EQ(pacer.acquire(
                  "api_key:a", [&] { return ++asked >= 3; }, fake.now + seconds(60)),
              RequestPacer::Turn::kCancelled);
    EXPECT_EQ(asked, 3);
    EXPECT_LE(fake.slept, milliseconds(150));
}

TEST(RequestPacer, ThrottledHoldsEveryTaskOnTheBucket) {
    FakeClock fake;
    RequestPacer pacer(certcentral_rate_limits(), fake.clock());
    const TimePoint start = fake.now;
    pacer.throttled("api_key:a", seconds(3));
    EXPECT_EQ(pacer.acquire("api_key:b", never_cancelled, start + seconds(60)),
              RequestPacer::Turn::kGo);
    EXPECT_EQ(fake.now, start) << "another key is not held";
    EXPECT_EQ(pacer.acquire("api_key:a", never_cancelled, start + seconds(60)),
              RequestPacer::Turn::kGo);
    EXPECT_EQ(fake.now - start, seconds(3));
}

TEST(PacingBucket, NamesTheKeyByAHashPrefixNeverTheKey) {
    const std::string bucket = pacing_bucket_for_key("CANARY-KEY-7f3a9c");
    EXPECT_EQ(bucket.rfind("api_key:", 0), 0u);
    EXPECT_EQ(bucket.size(), 8u + 16u);
    EXPECT_EQ(bucket.find("CANARY"), std::string::npos);
    EXPECT_EQ(bucket.find_first_not_of("0123456789abcdef", 8), std::string::npos);
    EXPECT_EQ(bucket, pacing_bucket_for_key("CANARY-KEY-7f3a9c"));
    EXPECT_NE(bucket, pacing_bucket_for_key("CANARY-KEY-7f3a9d"));
    // SHA-256("abc") starts ba7816bf8f01cfea.
    EXPECT_EQ(pacing_bucket_for_key("abc"), "api_key:ba7816bf8f01cfea");
}

}  // namespace
