// The request log keeps the newest `max_requests` requests and resends, in order, while its
// counters count every one: a long benchmark neither eats memory nor slows the sandbox down.
#include <gtest/gtest.h>

#include "request_log.h"

namespace {

TEST(SandboxRequestLog, KeepsTheNewestInOrderAndCountsAll) {
    sandbox::RequestLog log(3);
    for (int i = 0; i < 10; ++i) {
        sandbox::RecordedRequest request;
        request.target = "/r" + std::to_string(i);
        log.record_request(request);
        sandbox::AcceptedResend resend;
        resend.domain_id = i;
        log.record_resend(resend);
    }
    log.count_connection();
    log.count_rate_limited();
    const auto requests = log.requests();
    const auto resends = log.resends();
    ASSERT_EQ(requests.size(), 3u);
    ASSERT_EQ(resends.size(), 3u);
    EXPECT_EQ(requests.front().target, "/r7");
    EXPECT_EQ(requests.back().target, "/r9");
    EXPECT_EQ(resends.front().domain_id, 7);
    EXPECT_EQ(resends.back().domain_id, 9);
    const sandbox::SandboxCounters counters = log.counters();
    EXPECT_EQ(counters.requests, 10u);
    EXPECT_EQ(counters.resends, 10u);
    EXPECT_EQ(counters.connections, 1u);
    EXPECT_EQ(counters.rate_limited, 1u);
    log.reset();
    EXPECT_EQ(log.counters().requests, 0u);
    EXPECT_TRUE(log.resends().empty());
}

TEST(SandboxRequestLog, AFullLogStaysCheapPerEntry) {
    // 300,000 resends into a full log of 100,000: a vector erased from the front moved the
    // whole log per resend (3e10 moves); the deque drops one. No time is asserted: ctest's
    // timeout is the guard.
    sandbox::RequestLog log(100000);
    for (int i = 0; i < 300000; ++i) {
        sandbox::AcceptedResend resend;
        resend.domain_id = i;
        log.record_resend(std::move(resend));
    }
    EXPECT_EQ(log.counters().resends, 300000u);
    EXPECT_EQ(log.resends().front().domain_id, 200000);
}

}  // namespace
