// The ABI size rule for the host's optional services, and secret redaction in log lines.
#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <vector>

#include "host_services.h"

namespace {

using digicert_dcv::HostServices;

struct Calls {
    std::vector<std::string> logs;
    int acquires = 0;
    int throttles = 0;
    int cancelled_answer = 0;
};

taskhost_host host_for(Calls& calls, uint32_t size) {
    taskhost_host host{};
    host.abi_version = TASKHOST_ABI_VERSION;
    host.size = size;
    host.ctx = &calls;
    host.emit = [](void*, const char*, size_t) {};
    host.log = [](void* ctx, int, const char* line) {
        static_cast<Calls*>(ctx)->logs.push_back(line);
    };
    host.cancelled = [](void* ctx) { return static_cast<Calls*>(ctx)->cancelled_answer; };
    host.acquire = [](void* ctx, const char*) {
        ++static_cast<Calls*>(ctx)->acquires;
        return 0;
    };
    host.throttled = [](void* ctx, const char*, uint32_t) {
        ++static_cast<Calls*>(ctx)->throttles;
    };
    return host;
}

TEST(HostServices, IgnoresAppendedCallbacksTheSizeDoesNotCover) {
    Calls calls;
    const taskhost_host host = host_for(calls, offsetof(taskhost_host, acquire));
    HostServices services(&host);
    EXPECT_FALSE(services.offers_acquire());
    EXPECT_TRUE(services.acquire("api_key:x"));
    services.throttled("api_key:x", std::chrono::milliseconds(5));
    EXPECT_EQ(calls.acquires, 0);
    EXPECT_EQ(calls.throttles, 0);
}

TEST(HostServices, UsesAppendedCallbacksTheSizeCovers) {
    Calls calls;
    const taskhost_host host = host_for(calls, sizeof(taskhost_host));
    HostServices services(&host);
    EXPECT_TRUE(services.offers_acquire());
    EXPECT_TRUE(services.acquire("api_key:x"));
    services.throttled("api_key:x", std::chrono::milliseconds(5));
    EXPECT_EQ(calls.acquires, 1);
    EXPECT_EQ(calls.throttles, 1);
}

TEST(HostServices, WorksWithoutOptionalCallbacks) {
    taskhost_host host{};
    host.abi_version = TASKHOST_ABI_VERSION;
    host.size = sizeof(taskhost_host);
    host.emit = [](void*, const char*, size_t) {};
    HostServices services(&host);
    services.log(TASKHOST_LOG_INFO, "nobody listens");
    EXPECT_FALSE(services.cancelled());
    EXPECT_FALSE(services.offers_acquire());
    EXPECT_TRUE(services.sleep_unless_cancelled(std::chrono::milliseconds(1)));
}

TEST(HostServices, RedactsTheSecretFromLogLines) {
    Calls calls;
    const taskhost_host host = host_for(calls, sizeof(taskhost_host));
    HostServices services(&host);
    services.set_secret("CANARY-KEY-7f3a9c");
    services.log(TASKHOST_LOG_INFO, "echo CANARY-KEY-7f3a9c\n");
    ASSERT_EQ(calls.logs.size(), 1u);
    EXPECT_EQ(calls.logs[0], "echo [redacted]?");
}

TEST(HostServices, SleepStopsWhenCancelled) {
    Calls calls;
    calls.cancelled_answer = 1;
    const taskhost_host host = host_for(calls, sizeof(taskhost_host));
    HostServices services(&host);
    EXPECT_FALSE(services.sleep_unless_cancelled(std::chrono::hours(1)));
}

}  // namespace
