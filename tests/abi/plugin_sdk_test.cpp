// taskhost/plugin_sdk.hpp: the size rule in sdk::Host, the one exception barrier (every path
// emits exactly once, bad_alloc gets the static last resort) and the TASKHOST_PLUGIN backstop.
#include <gtest/gtest.h>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <cstddef>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "taskhost/plugin_sdk.hpp"

namespace {

using taskhost::sdk::FailureOutcomes;
using taskhost::sdk::Host;
using taskhost::sdk::Outcome;

struct Calls {
    std::vector<std::string> emitted;
    std::vector<std::string> logs;
    std::vector<std::string> buckets;
    std::vector<uint32_t> throttles;
    std::vector<std::string> answers;
    int cancelled_answer = 0;
    int acquire_answer = 0;
};

taskhost_host host_for(Calls& calls, uint32_t size = sizeof(taskhost_host)) {
    taskhost_host host{};
    host.abi_version = TASKHOST_ABI_VERSION;
    host.size = size;
    host.ctx = &calls;
    host.emit = [](void* ctx, const char* json, size_t len) {
        static_cast<Calls*>(ctx)->emitted.emplace_back(json, len);
    };
    host.log = [](void* ctx, int, const char* line) {
        static_cast<Calls*>(ctx)->logs.push_back(line);
    };
    host.cancelled = [](void* ctx) { return static_cast<Calls*>(ctx)->cancelled_answer; };
    host.acquire = [](void* ctx, const char* bucket) {
        static_cast<Calls*>(ctx)->buckets.push_back(bucket);
        return static_cast<Calls*>(ctx)->acquire_answer;
    };
    host.throttled = [](void* ctx, const char*, uint32_t ms) {
        static_cast<Calls*>(ctx)->throttles.push_back(ms);
    };
    host.answered = [](void* ctx, const char* route, int status) {
        static_cast<Calls*>(ctx)->answers.push_back(std::string(route) + " " +
                                                    std::to_string(status));
    };
    return host;
}

Poco::JSON::Object::Ptr parse(const std::string& json) {
    return Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>();
}

constexpr FailureOutcomes kFailures{"sdk_test"};

TEST(PluginSdkHost, IgnoresAppendedCallbacksTheSizeDoesNotCover) {
    Calls calls;
    const taskhost_host raw = host_for(calls, offsetof(taskhost_host, acquire));
    const Host host(&raw);
    EXPECT_FALSE(host.offers_acquire());
    EXPECT_FALSE(host.offers_throttled());
    EXPECT_TRUE(host.acquire("b"));  // no pacer: the plugin goes (and paces itself)
    host.throttled("b", std::chrono::milliseconds(5));
    EXPECT_TRUE(calls.buckets.empty());
    EXPECT_TRUE(calls.throttles.empty());
    EXPECT_TRUE(host.offers_log());
}

TEST(PluginSdkHost, NullHostAndNullCallbacksOfferNothing) {
    const Host none(nullptr);
    EXPECT_FALSE(none.offers_emit());
    EXPECT_FALSE(none.emit("{}"));
    none.log(TASKHOST_LOG_INFO, "nobody listens");
    EXPECT_FALSE(none.cancelled());
    EXPECT_TRUE(none.acquire("b"));
    EXPECT_EQ(none.abi_version(), 0u);

    taskhost_host raw{};
    raw.abi_version = TASKHOST_ABI_VERSION;
    raw.size = sizeof(taskhost_host);
    const Host bare(&raw);
    EXPECT_FALSE(bare.offers_emit());
    EXPECT_FALSE(bare.offers_log());
    EXPECT_FALSE(bare.cancelled());
    EXPECT_FALSE(bare.offers_acquire());
    EXPECT_TRUE(bare.sleep_unless_cancelled(std::chrono::milliseconds(1)));
}

TEST(PluginSdkHost, UsesCoveredCallbacksAndClampsRetryAfter) {
    Calls calls;
    calls.acquire_answer = 1;
    const taskhost_host raw = host_for(calls);
    const Host host(&raw);
    EXPECT_FALSE(host.acquire("api_key:abc"));  // the host says no: send nothing
    host.throttled("api_key:abc", std::chrono::milliseconds(-5));
    host.throttled("api_key:abc", std::chrono::hours(24 * 365 * 1000));
    EXPECT_EQ(calls.buckets, std::vector<std::string>{"api_key:abc"});
    EXPECT_EQ(calls.throttles, (std::vector<uint32_t>{0u, UINT32_MAX}));
}

// answered was appended after the pacing callbacks: a host built before it offers nothing.
TEST(PluginSdkHost, ReportsAnswersOnlyWhenTheSizeCoversAnswered) {
    Calls calls;
    const taskhost_host old = host_for(calls, offsetof(taskhost_host, answered));
    EXPECT_FALSE(Host(&old).offers_answered());
    Host(&old).answered("GET /x", 200);
    EXPECT_TRUE(calls.answers.empty());

    const taskhost_host raw = host_for(calls);
    const Host host(&raw);
    EXPECT_TRUE(host.offers_answered());
    host.answered("PUT /domain/{id}/dcv/emails", 204);
    host.answered(nullptr, 500);  // no route: nothing to report
    EXPECT_EQ(calls.answers, std::vector<std::string>{"PUT /domain/{id}/dcv/emails 204"});
    EXPECT_FALSE(Host(nullptr).offers_answered());
}

TEST(PluginSdkHost, EmitsAtMostOnce) {
    Calls calls;
    const taskhost_host raw = host_for(calls);
    const Host host(&raw);
    EXPECT_TRUE(host.emit("{\"failed\":false}"));
    EXPECT_FALSE(host.emit("{\"failed\":true}"));
    EXPECT_TRUE(host.emitted());
    EXPECT_EQ(calls.emitted, std::vector<std::string>{"{\"failed\":false}"});
}

TEST(PluginSdkHost, SleepStopsWhenCancelled) {
    Calls calls;
    calls.cancelled_answer = 1;
    const taskhost_host raw = host_for(calls);
    EXPECT_FALSE(Host(&raw).sleep_unless_cancelled(std::chrono::hours(1)));
}

TEST(PluginSdkBarrier, EmitsTheBodysOutcomeOnceAndReturnsItsVerdict) {
    Calls calls;
    const taskhost_host raw = host_for(calls);
    const int rc = taskhost::sdk::execute_guarded(
        "{}", &raw, kFailures, [](const char* spec, const Host& host) {
            EXPECT_STREQ(spec, "{}");
            EXPECT_EQ(host.abi_version(), TASKHOST_ABI_VERSION);
            return Outcome{"{\"status\":\"succeeded\",\"failed\":false}", false};
        });
    EXPECT_EQ(rc, 0);
    EXPECT_EQ(calls.emitted,
              std::vector<std::string>{"{\"status\":\"succeeded\",\"failed\":false}"});
}

TEST(PluginSdkBarrier, TurnsAnExceptionIntoOneInternalOutcome) {
    Calls calls;
    const taskhost_host raw = host_for(calls);
    const int rc = taskhost::sdk::execute_guarded(
        "{}", &raw, kFailures, [](const char*, const Host&) -> Outcome {
            throw std::runtime_error("boom\n\"quoted\"\x01");
        });
    EXPECT_EQ(rc, 1);
    ASSERT_EQ(calls.emitted.size(), 1u);
    const auto outcome = parse(calls.emitted[0]);
    EXPECT_EQ(outcome->getValue<std::string>("status"), "failed");
    EXPECT_TRUE(outcome->getValue<bool>("failed"));
    EXPECT_EQ(outcome->getObject("error")->getValue<std::string>("kind"), "internal");
    EXPECT_EQ(outcome->getValue<std::string>("msg"),
              "internal error in the sdk_test plugin: boom?\"quoted\"?");
}

TEST(PluginSdkBarrier, NonStdExceptionsAreCaughtToo) {
    Calls calls;
    const taskhost_host raw = host_for(calls);
    EXPECT_EQ(taskhost::sdk::execute_guarded("{}", &raw, kFailures,
                                             [](const char*, const Host&) -> Outcome { throw 42; }),
              1);
    ASSERT_EQ(calls.emitted.size(), 1u);
    EXPECT_NE(calls.emitted[0].find("unknown exception"), std::string::npos);
}

TEST(PluginSdkBarrier, EmitsTheStaticLastResortOnBadAlloc) {
    Calls calls;
    const taskhost_host raw = host_for(calls);
    static constexpr char kMine[] = "{\"status\":\"failed\",\"failed\":true,\"msg\":\"oom\"}";
    constexpr FailureOutcomes failures{"sdk_test", nullptr, nullptr, kMine};
    EXPECT_EQ(taskhost::sdk::execute_guarded(
                  "{}", &raw, failures,
                  [](const char*, const Host&) -> Outcome { throw std::bad_alloc(); }),
              1);
    EXPECT_EQ(calls.emitted, std::vector<std::string>{kMine});
}

TEST(PluginSdkBarrier, EmitsTheLastResortWhenTheInternalWriterThrowsToo) {
    Calls calls;
    const taskhost_host raw = host_for(calls);
    constexpr FailureOutcomes failures{
        "sdk_test", [](const char*) -> std::string { throw std::runtime_error("again"); }};
    EXPECT_EQ(taskhost::sdk::execute_guarded(
                  "{}", &raw, failures,
                  [](const char*, const Host&) -> Outcome { throw std::logic_error("first"); }),
              1);
    EXPECT_EQ(calls.emitted, std::vector<std::string>{taskhost::sdk::kLastResortOutcome});
    parse(taskhost::sdk::kLastResortOutcome);  // the last resort is itself valid JSON
}

TEST(PluginSdkBarrier, LetsTheInternalWriterRethrowToDescribeItsOwnTypes) {
    struct PluginError {
        std::string detail;
    };
    Calls calls;
    const taskhost_host raw = host_for(calls);
    constexpr FailureOutcomes failures{
        "sdk_test", [](const char* what) -> std::string {
            try {
                throw;
            } catch (const PluginError& e) {
                return taskhost::sdk::failure_outcome_json("internal", "plugin error: " + e.detail);
            } catch (...) {
                return taskhost::sdk::failure_outcome_json("internal", what);
            }
        }};
    taskhost::sdk::execute_guarded("{}", &raw, failures, [](const char*, const Host&) -> Outcome {
        throw PluginError{"detail"};
    });
    ASSERT_EQ(calls.emitted.size(), 1u);
    EXPECT_EQ(parse(calls.emitted[0])->getValue<std::string>("msg"), "plugin error: detail");
}

TEST(PluginSdkBarrier, AnswersAHostOfAnotherAbiMajorWithoutRunningTheBody) {
    Calls calls;
    taskhost_host raw = host_for(calls);
    raw.abi_version = TASKHOST_ABI_VERSION + 1;
    bool ran = false;
    EXPECT_EQ(taskhost::sdk::execute_guarded("{}", &raw, kFailures,
                                             [&](const char*, const Host&) {
                                                 ran = true;
                                                 return Outcome{"{}", false};
                                             }),
              1);
    EXPECT_FALSE(ran);
    ASSERT_EQ(calls.emitted.size(), 1u);
    const auto outcome = parse(calls.emitted[0]);
    EXPECT_EQ(outcome->getObject("error")->getValue<std::string>("kind"), "plugin");
    EXPECT_NE(outcome->getValue<std::string>("msg").find("the host speaks plugin ABI 2"),
              std::string::npos);
}

TEST(PluginSdkBarrier, ReturnsTwoWhenTheHostOffersNoEmit) {
    taskhost_host raw{};
    raw.abi_version = TASKHOST_ABI_VERSION;
    raw.size = offsetof(taskhost_host, emit);  // does not even cover emit
    const auto body = [](const char*, const Host&) { return Outcome{"{}", false}; };
    EXPECT_EQ(taskhost::sdk::execute_guarded("{}", &raw, kFailures, body), 2);
    EXPECT_EQ(taskhost::sdk::execute_guarded("{}", nullptr, kFailures, body), 2);
}

TEST(PluginSdkBarrier, NeverEmitsTwiceWhenTheBodyEmittedItself) {
    Calls calls;
    const taskhost_host raw = host_for(calls);
    taskhost::sdk::execute_guarded("{}", &raw, kFailures, [](const char*, const Host& host) {
        host.emit("{\"failed\":false}");
        return Outcome{"{\"failed\":true}", true};
    });
    EXPECT_EQ(calls.emitted, std::vector<std::string>{"{\"failed\":false}"});
}

TEST(PluginSdkBarrier, AnEmptyOutcomeIsABugThatGetsTheLastResort) {
    Calls calls;
    const taskhost_host raw = host_for(calls);
    EXPECT_EQ(taskhost::sdk::execute_guarded("{}", &raw, kFailures,
                                             [](const char*, const Host&) {
                                                 return Outcome{"", false};
                                             }),
              1);
    EXPECT_EQ(calls.emitted, std::vector<std::string>{taskhost::sdk::kLastResortOutcome});
}

TEST(PluginSdkBarrier, DescribeGuardedFallsBackWhenDescribeThrows) {
    EXPECT_STREQ(taskhost::sdk::describe_guarded([] { return "{\"a\":1}"; }), "{\"a\":1}");
    EXPECT_EQ(taskhost::sdk::describe_guarded([]() -> const char* { throw 1; }), nullptr);
    EXPECT_STREQ(
        taskhost::sdk::describe_guarded([]() -> const char* { throw 1; }, "{\"fallback\":1}"),
        "{\"fallback\":1}");
}

TEST(PluginSdkJson, FailureOutcomeEscapesEveryControlCharacter) {
    const std::string json =
        taskhost::sdk::failure_outcome_json("invalid_input", "a\"b\\c\n\t\x01\x7f", "t", "id-1");
    const auto outcome = parse(json);
    EXPECT_EQ(outcome->getValue<std::string>("msg"), "a\"b\\c\n\t\x01\x7f");
    EXPECT_EQ(outcome->getValue<std::string>("task"), "t");
    EXPECT_EQ(outcome->getValue<std::string>("id"), "id-1");
    EXPECT_FALSE(outcome->getObject("error")->getValue<bool>("retryable"));
}

// TASKHOST_PLUGIN in a test binary: the exports exist with the ABI's types, and its backstop
// keeps an exception that escaped a careless entry point from unwinding into the host.
const char* throwing_describe() {
    throw std::runtime_error("describe bug");
}
int throwing_execute(const char*, const taskhost_host*) {
    throw std::runtime_error("execute bug");
}

}  // namespace

TASKHOST_PLUGIN(throwing_describe, throwing_execute);

namespace {

TEST(PluginSdkMacro, BackstopStopsExceptionsAtTheExports) {
    EXPECT_EQ(plugin_describe(), nullptr);
    Calls calls;
    const taskhost_host raw = host_for(calls);
    EXPECT_NE(plugin_execute("{}", &raw), 0);
    EXPECT_TRUE(calls.emitted.empty());  // the host reports the missing outcome as a plugin bug
}

}  // namespace
