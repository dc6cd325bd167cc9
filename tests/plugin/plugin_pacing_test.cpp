// Pacing through the ABI: with acquire/throttled offered the plugin asks the host before every
// attempt and reports every 429; a host built before those fields (smaller `size`) gets a
// plugin that paces itself and never touches them. answered: every attempt's end is reported by
// route template (never an id) and status, 0 when no answer came; a host built before it is
// never called.
#include <gtest/gtest.h>

#include <chrono>

#include "plugin_test_support.h"

namespace {

using namespace dcv_plugin_test;

class Pacing : public PluginSandboxSuite {
  protected:
    static void add_429(int count, const std::string& retry_after) {
        sandbox::FaultRule rule;
        rule.method = "PUT";
        rule.count = count;
        rule.status = 429;
        if (!retry_after.empty()) {
            rule.headers["Retry-After"] = retry_after;
        }
        server_->add_fault(rule);
    }
};

TEST_F(Pacing, AcquireIsCalledOncePerAttemptAndThrottledAfterA429) {
    add_429(1, "1");
    RecordingHost host;
    host.offer_pacing();
    SpecOptions options;
    options.key = "PACING-KEY-1";
    const Execution e = execute(resend_spec(*server_, options), host);
    EXPECT_EQ(status_of(e), "succeeded") << e.raw;
    EXPECT_EQ(attempts_of(e), 2);
    EXPECT_EQ(host.acquire_calls(), 2);
    EXPECT_EQ(host.throttled_ms(), std::vector<uint32_t>{1000});
    for (const std::string& bucket : host.buckets()) {
        EXPECT_EQ(bucket.rfind("api_key:", 0), 0u) << bucket;
        EXPECT_EQ(bucket.find("PACING-KEY"), std::string::npos) << "the bucket names the key";
        EXPECT_EQ(bucket, host.buckets().front()) << "one key, one bucket";
    }
}

TEST_F(Pacing, ThrottledSaysZeroWhenTheServerGaveNoRetryAfter) {
    add_429(1, "");
    RecordingHost host;
    host.offer_pacing();
    SpecOptions options;
    options.key = "PACING-KEY-2";
    const Execution e = execute(resend_spec(*server_, options), host);
    EXPECT_EQ(status_of(e), "succeeded") << e.raw;
    EXPECT_EQ(host.throttled_ms(), std::vector<uint32_t>{0});
}

TEST_F(Pacing, ARefusedTurnSendsNothing) {
    RecordingHost host;
    host.offer_pacing(/*acquire_answer=*/1);
    const Execution e = execute(resend_spec(*server_), host);
    EXPECT_EQ(status_of(e), "failed") << e.raw;
    EXPECT_EQ(error_kind_of(e), "rate_limited");
    EXPECT_EQ(host.acquire_calls(), 1);
    EXPECT_TRUE(server_->requests().empty());
}

TEST_F(Pacing, APrePacingHostGetsSelfPacingAfterA429) {
    // The 429's Retry-After puts this key's bucket on hold inside the plugin.
    add_429(1, "30");
    RecordingHost first;
    first.shrink_to_pre_pacing_size();
    SpecOptions options;
    options.key = "PACING-KEY-3";
    options.max_attempts = 1;
    options.deadline_ms = 120000;
    const Execution limited = execute(resend_spec(*server_, options), first);
    EXPECT_EQ(error_kind_of(limited), "rate_limited") << limited.raw;

    // A second task on the same key waits on that hold (and is cancelled while it waits)
    // instead of hitting the server again.
    RecordingHost second;
    second.shrink_to_pre_pacing_size();
    second.cancel_from_call(2);  // call 1: before attempt 1; call 2: inside the pacer's wait
    const Execution held = execute(resend_spec(*server_, options), second);
    EXPECT_EQ(status_of(held), "cancelled") << held.raw;
    EXPECT_EQ(server_->requests().size(), 1u);
    EXPECT_EQ(first.acquire_calls() + second.acquire_calls(), 0)
        << "acquire lies beyond the host's size and must not be called";
    EXPECT_TRUE(first.throttled_ms().empty());
}

TEST_F(Pacing, APrePacingHostGetsSelfPacingAtTheShortWindow) {
    RecordingHost host;
    host.shrink_to_pre_pacing_size();
    SpecOptions options;
    options.key = "PACING-KEY-4";
    const auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < 100; ++i) {
        ASSERT_EQ(status_of(execute(resend_spec(*server_, options), host)), "succeeded");
    }
    if (std::chrono::steady_clock::now() - started > std::chrono::seconds(4)) {
        GTEST_SKIP() << "100 requests took longer than the 5 s window; nothing to observe";
    }
    RecordingHost late;
    late.shrink_to_pre_pacing_size();
    late.cancel_from_call(2);
    const Execution e = execute(resend_spec(*server_, options), late);
    EXPECT_EQ(status_of(e), "cancelled") << "the 101st request within 5 s must wait: " << e.raw;
    EXPECT_EQ(server_->requests().size(), 100u);
    EXPECT_EQ(host.acquire_calls() + late.acquire_calls(), 0);
}

TEST_F(Pacing, AnsweredReportsEveryAttemptByRouteTemplateAndStatus) {
    add_429(1, "");
    sandbox::FaultRule reset;
    reset.method = "GET";
    reset.path_suffix = "/dcv/emails";
    reset.action = sandbox::FaultRule::Action::kReset;
    reset.count = 1;
    server_->add_fault(reset);
    RecordingHost host;
    host.offer_pacing();
    host.offer_answered();
    SpecOptions options;  // the canary key: the sandbox answers its reads
    options.check_recipients = true;
    const Execution e = execute(resend_spec(*server_, options), host);
    EXPECT_EQ(status_of(e), "succeeded") << e.raw;
    // The read is reset once (no answer: 0), then answered; the PUT gets a 429, then a 204.
    EXPECT_EQ(host.answers(),
              (std::vector<std::string>{
                  "GET /domain/{id}/dcv/emails 0", "GET /domain/{id}/dcv/emails 200",
                  "PUT /domain/{id}/dcv/emails 429", "PUT /domain/{id}/dcv/emails 204"}));
}

TEST_F(Pacing, AnsweredReportsAnUnknownDomainsNotFound) {
    RecordingHost host;
    host.offer_answered();  // also without a host pacer
    SpecOptions options;
    options.domain_id = kUnknownDomainId;
    const Execution e = execute(resend_spec(*server_, options), host);
    EXPECT_EQ(error_kind_of(e), "not_found") << e.raw;
    EXPECT_EQ(host.answers(), std::vector<std::string>{"PUT /domain/{id}/dcv/emails 404"});
}

TEST_F(Pacing, AHostBuiltBeforeAnsweredIsNeverToldOfAnswers) {
    RecordingHost host;
    host.shrink_to_pre_answered_size();
    const Execution e = execute(resend_spec(*server_), host);
    EXPECT_EQ(status_of(e), "succeeded") << e.raw;
    EXPECT_TRUE(host.answers().empty());
}

}  // namespace
