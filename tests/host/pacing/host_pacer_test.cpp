// BucketSchedule (the pure schedule, on plain time points) and HostPacer (threads, real clock):
// no burst over any window, no idle gap while budget remains, a 429 holds the whole bucket.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "pacing/bucket_schedule.h"
#include "pacing/host_pacer.h"

namespace taskhost {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using TimePoint = BucketSchedule::TimePoint;

const std::vector<RateWindow> kBenchWindows = {{20, seconds(1)}, {100, seconds(10)}};

// The most grants any window of `per` holds in `times` (sorted).
size_t most_in_any_window(const std::vector<TimePoint>& times, std::chrono::nanoseconds per) {
    size_t most = 0;
    for (size_t i = 0; i < times.size(); ++i) {
        const auto end = std::lower_bound(times.begin() + i, times.end(), times[i] + per);
        most = std::max(most, static_cast<size_t>(end - (times.begin() + i)));
    }
    return most;
}

TEST(BucketSchedule, ShortestScheduleFor400AtTwentyPerSecondAndHundredPerTenIs34Seconds) {
    const std::vector<milliseconds> times = shortest_schedule(kBenchWindows, 400);
    ASSERT_EQ(times.size(), 400u);
    EXPECT_EQ(times[0], milliseconds(0));
    EXPECT_EQ(times[19], milliseconds(0));  // a full window goes at once: no idle gap
    EXPECT_EQ(times[20], seconds(1));
    EXPECT_EQ(times[99], seconds(4));
    EXPECT_EQ(times[100], seconds(10));  // the long window is full until the first leaves it
    EXPECT_EQ(times[399], seconds(34));
}

TEST(BucketSchedule, TurnsAnsweredLateStillNeverPutTwoArrivalsCloserThanAWindow) {
    // Each request arrives somewhere between its grant and its answer; the answer comes 0 to
    // 300 ms after the grant (a handshake, a slow thread). Events are played in time order, as
    // the host sees them. Whatever the arrivals were, no window may hold more than its limit:
    // checked at both ends, all arrivals at their grant and all at their answer.
    BucketSchedule schedule(kBenchWindows, milliseconds(50), {});
    TimePoint now{};
    std::vector<TimePoint> granted;
    std::vector<TimePoint> answered;
    std::multimap<TimePoint, uint64_t> in_flight;  // answer time -> turn
    for (int i = 0; i < 500;) {
        while (!in_flight.empty() && in_flight.begin()->first <= now) {
            schedule.complete(in_flight.begin()->second, in_flight.begin()->first);
            in_flight.erase(in_flight.begin());
        }
        const TimePoint turn = schedule.next_turn(now);
        if (turn > now) {
            // Nothing to grant before the next answer or the turn, whichever comes first.
            now = in_flight.empty() ? turn : std::min(turn, in_flight.begin()->first);
            continue;
        }
        const uint64_t id = schedule.grant(now);
        granted.push_back(now);
        const TimePoint answer = now + milliseconds((i * 37) % 300);
        answered.push_back(answer);
        in_flight.emplace(answer, id);
        ++i;
    }
    std::sort(answered.begin(), answered.end());
    EXPECT_LE(most_in_any_window(granted, seconds(1)), 20u);
    EXPECT_LE(most_in_any_window(granted, seconds(10)), 100u);
    EXPECT_LE(most_in_any_window(answered, seconds(1)), 20u);
    EXPECT_LE(most_in_any_window(answered, seconds(10)), 100u);
    // Still close to the limit: at once-answered turns the 500th goes at 44 s; answers up to
    // 300 ms late and the margin add a little, not a window.
    EXPECT_LT(granted.back() - granted.front(), seconds(48));
}

TEST(BucketSchedule, AnUnansweredTurnHoldsItsPlaceUntilAnswered) {
    BucketSchedule schedule({{2, seconds(1)}}, milliseconds(0), {});
    const TimePoint t0{seconds(10)};
    const uint64_t first = schedule.grant(t0);
    schedule.grant(t0);
    // Two pending: full, and no time can be promised until an answer comes.
    EXPECT_EQ(schedule.next_turn(t0 + seconds(5)), TimePoint::max());
    schedule.complete(first, t0 + seconds(3));
    EXPECT_EQ(schedule.next_turn(t0 + seconds(3)), t0 + seconds(4));
}

TEST(BucketSchedule, ThrottleHoldsForRetryAfterOrABackoffThatGrowsOnlyAfterTheHoldEnds) {
    BucketSchedule::Backoff backoff{milliseconds(1000), milliseconds(8000)};
    BucketSchedule schedule({{100, seconds(5)}}, milliseconds(0), backoff);
    const TimePoint t0{seconds(100)};
    EXPECT_EQ(schedule.throttle(t0, milliseconds(3000)), t0 + milliseconds(3000));
    EXPECT_EQ(schedule.next_turn(t0), t0 + milliseconds(3000));

    BucketSchedule fresh({{100, seconds(5)}}, milliseconds(0), backoff);
    EXPECT_EQ(fresh.throttle(t0, std::nullopt), t0 + milliseconds(1000));
    // Eight tasks in flight at the lockout all see a 429: still one strike.
    for (int i = 0; i < 7; ++i) {
        EXPECT_EQ(fresh.throttle(t0 + milliseconds(10), std::nullopt), t0 + milliseconds(1010));
    }
    // A 429 after the hold ended: the hold was too short, so it doubles, up to the cap.
    const TimePoint t1 = t0 + milliseconds(1100);
    EXPECT_EQ(fresh.throttle(t1, std::nullopt), t1 + milliseconds(2000));
    const TimePoint t2 = t1 + milliseconds(2100);
    EXPECT_EQ(fresh.throttle(t2, std::nullopt), t2 + milliseconds(4000));
    const TimePoint t3 = t2 + milliseconds(4100);
    EXPECT_EQ(fresh.throttle(t3, std::nullopt), t3 + milliseconds(8000));
    const TimePoint t4 = t3 + milliseconds(8100);
    EXPECT_EQ(fresh.throttle(t4, std::nullopt), t4 + milliseconds(8000));
    EXPECT_EQ(fresh.throttles(), 12u);
}

// Threads on the real clock: the times below are lower bounds and window counts, never "must
// finish within".
TEST(HostPacer, ConcurrentAcquiresNeverExceedAWindow) {
    PacerSettings settings;
    settings.safety_margin = milliseconds(20);
    HostPacer pacer(settings);
    const std::vector<RateWindow> windows = {{5, milliseconds(200)}};
    std::mutex mutex;
    std::vector<TimePoint> granted;
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 5; ++i) {
                ASSERT_EQ(pacer.acquire("api_key:test", windows, nullptr), HostPacer::Turn::kGo);
                std::lock_guard<std::mutex> lock(mutex);
                granted.push_back(std::chrono::steady_clock::now());
            }
        });
    }
    for (std::thread& thread : threads) {
        thread.join();
    }
    std::sort(granted.begin(), granted.end());
    ASSERT_EQ(granted.size(), 40u);
    EXPECT_LE(most_in_any_window(granted, milliseconds(200)), 5u);
    EXPECT_EQ(pacer.stats().at("api_key:test").granted, 40u);
}

TEST(HostPacer, BucketsAreIndependent) {
    HostPacer pacer;
    const std::vector<RateWindow> one_per_minute = {{1, seconds(60)}};
    ASSERT_EQ(pacer.acquire("a", one_per_minute, nullptr), HostPacer::Turn::kGo);
    // "a" is full for a minute; "b" has its own budget and goes at once. (A deadline of now
    // makes "no turn yet" an answer instead of a wait.)
    EXPECT_EQ(pacer.acquire("a", one_per_minute, nullptr, std::chrono::steady_clock::now()),
              HostPacer::Turn::kOutOfTime);
    EXPECT_EQ(pacer.acquire("b", one_per_minute, nullptr, std::chrono::steady_clock::now()),
              HostPacer::Turn::kGo);
}

TEST(HostPacer, ThrottledHoldsEveryTaskOnTheBucketForRetryAfter) {
    HostPacer pacer;
    const std::vector<RateWindow> windows = {{1000, seconds(1)}};
    const auto before = std::chrono::steady_clock::now();
    pacer.throttled("k", milliseconds(300));
    std::vector<std::thread> threads;
    std::mutex mutex;
    std::vector<TimePoint> granted;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            ASSERT_EQ(pacer.acquire("k", windows, nullptr), HostPacer::Turn::kGo);
            std::lock_guard<std::mutex> lock(mutex);
            granted.push_back(std::chrono::steady_clock::now());
        });
    }
    for (std::thread& thread : threads) {
        thread.join();
    }
    for (const TimePoint& at : granted) {
        EXPECT_GE(at - before, milliseconds(300));
    }
    EXPECT_EQ(pacer.stats().at("k").throttles, 1u);
}

// taskhost_pacer_wait_seconds_total: the time callers spent in acquire, per bucket, added up
// whatever they got (a turn, or cancelled).
TEST(HostPacer, StatsAddUpTheTimeCallersWaitedInAcquirePerBucket) {
    HostPacer pacer;
    const std::vector<RateWindow> windows = {{1, seconds(3600)}};
    ASSERT_EQ(pacer.acquire("k", windows, nullptr), HostPacer::Turn::kGo);
    ASSERT_EQ(pacer.acquire("other", windows, nullptr), HostPacer::Turn::kGo);
    EXPECT_LT(pacer.stats().at("k").waited.count(), 0.1);  // the first turn came at once
    const auto asked = std::chrono::steady_clock::now();
    std::atomic<bool> cancel{false};
    std::thread waiter([&] {
        EXPECT_EQ(pacer.acquire("k", windows, [&] { return cancel.load(); }),
                  HostPacer::Turn::kCancelled);
    });
    std::this_thread::sleep_for(milliseconds(300));
    cancel = true;
    waiter.join();
    const std::chrono::duration<double> most = std::chrono::steady_clock::now() - asked;
    const double waited = pacer.stats().at("k").waited.count();
    EXPECT_GE(waited, 0.3);
    EXPECT_LE(waited, most.count());
    EXPECT_LT(pacer.stats().at("other").waited.count(), 0.1);
}

TEST(HostPacer, WaitIsCancellableAndStopWakesEveryone) {
    HostPacer pacer;
    const std::vector<RateWindow> windows = {{1, seconds(3600)}};
    ASSERT_EQ(pacer.acquire("k", windows, nullptr), HostPacer::Turn::kGo);
    std::atomic<bool> cancel{false};
    std::thread cancelled_waiter([&] {
        EXPECT_EQ(pacer.acquire("k", windows, [&] { return cancel.load(); }),
                  HostPacer::Turn::kCancelled);
    });
    std::thread stopped_waiter(
        [&] { EXPECT_EQ(pacer.acquire("k", windows, nullptr), HostPacer::Turn::kCancelled); });
    std::this_thread::sleep_for(milliseconds(100));
    cancel = true;
    cancelled_waiter.join();
    pacer.stop();
    stopped_waiter.join();
    EXPECT_EQ(pacer.await_room("k", nullptr), HostPacer::Turn::kCancelled);
}

TEST(HostPacer, TurnsAreGrantedInArrivalOrder) {
    HostPacer pacer;
    const std::vector<RateWindow> windows = {{1, milliseconds(50)}};
    ASSERT_EQ(pacer.acquire("k", windows, nullptr), HostPacer::Turn::kGo);
    std::mutex mutex;
    std::vector<int> order;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            ASSERT_EQ(pacer.acquire("k", windows, nullptr), HostPacer::Turn::kGo);
            std::lock_guard<std::mutex> lock(mutex);
            order.push_back(t);
        });
        // Each thread is queued before the next starts (the first waits ~50 ms for its turn).
        for (;;) {
            const HostPacer::BucketStats stats = pacer.stats().at("k");
            if (stats.waiting + stats.granted >= static_cast<size_t>(t + 2)) {
                break;
            }
            std::this_thread::yield();
        }
    }
    for (std::thread& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3}));
}

}  // namespace
}  // namespace taskhost
