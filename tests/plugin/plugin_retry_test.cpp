// Retries through the plugin: 429 then success, 5xx until attempts run out, a reset, a stall
// that times out, Retry-After, the deadline, and cancellation between attempts. (A send that
// may have been accepted: plugin_in_doubt_test.cpp.)
#include <gtest/gtest.h>

#include <chrono>

#include "plugin_test_support.h"

namespace {

using namespace dcv_plugin_test;

class Retries : public PluginSandboxSuite {
  protected:
    static sandbox::FaultRule put_fault(sandbox::FaultRule::Action action, int count) {
        sandbox::FaultRule rule;
        rule.method = "PUT";
        rule.path_suffix = "/dcv/emails";
        rule.action = action;
        rule.count = count;
        return rule;
    }
};

TEST_F(Retries, RetriesOn429ThenSucceeds) {
    sandbox::FaultRule rule = put_fault(sandbox::FaultRule::Action::kStatus, 1);
    rule.status = 429;
    server_->add_fault(rule);
    RecordingHost host;
    const Execution e = execute(resend_spec(*server_), host);
    EXPECT_EQ(status_of(e), "succeeded") << e.raw;
    EXPECT_EQ(attempts_of(e), 2);
    EXPECT_EQ(server_->requests().size(), 2u);
    EXPECT_EQ(server_->accepted_resends().size(), 1u);
}

TEST_F(Retries, GivesUpOn5xxWhenAttemptsRunOut) {
    sandbox::FaultRule rule = put_fault(sandbox::FaultRule::Action::kStatus, -1);
    rule.status = 503;
    server_->add_fault(rule);
    RecordingHost host;
    SpecOptions options;
    options.max_attempts = 4;
    const Execution e = execute(resend_spec(*server_, options), host);
    EXPECT_EQ(status_of(e), "failed") << e.raw;
    EXPECT_EQ(error_kind_of(e), "server");
    EXPECT_TRUE(e.outcome->getObject("error")->getValue<bool>("retryable"));
    EXPECT_EQ(attempts_of(e), 4);
    EXPECT_EQ(server_->requests().size(), 4u);
    EXPECT_TRUE(contains(e.outcome->getValue<std::string>("msg"), "after 4 attempts"));
}

TEST_F(Retries, RetriesAConnectionResetWhenInDoubtRetriesAllowIt) {
    // The reset comes after the whole PUT was read: in doubt, so resent only when allowed
    // (plugin_in_doubt_test.cpp has the default, which does not resend it).
    server_->add_fault(put_fault(sandbox::FaultRule::Action::kReset, 1));
    RecordingHost host;
    SpecOptions options;
    options.in_doubt_retries = 1;
    const Execution e = execute(resend_spec(*server_, options), host);
    EXPECT_EQ(status_of(e), "succeeded") << e.raw;
    EXPECT_EQ(attempts_of(e), 2);
    EXPECT_EQ(server_->accepted_resends().size(), 1u);
    EXPECT_TRUE(contains(host.logs().at(0), "network failure (attempt 1/3); retrying"))
        << host.logs().at(0);
}

TEST_F(Retries, AStalledServerTimesOut) {
    sandbox::FaultRule rule = put_fault(sandbox::FaultRule::Action::kStall, -1);
    rule.delay = std::chrono::milliseconds(4000);
    server_->add_fault(rule);
    RecordingHost host;
    SpecOptions options;
    options.timeout_ms = 300;
    options.max_attempts = 2;
    options.in_doubt_retries = 1;  // the stalled PUT was read whole: in doubt
    const auto started = std::chrono::steady_clock::now();
    const Execution e = execute(resend_spec(*server_, options), host);
    const auto took = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(status_of(e), "failed") << e.raw;
    EXPECT_EQ(error_kind_of(e), "timeout") << e.raw;
    EXPECT_FALSE(e.outcome->getObject("error")->getValue<bool>("retryable")) << "in doubt";
    EXPECT_TRUE(e.outcome->getValue<bool>("in_doubt")) << e.raw;
    EXPECT_EQ(attempts_of(e), 2) << "a timeout before any response is retried (as allowed)";
    EXPECT_FALSE(e.outcome->has("response"));
    EXPECT_LT(took, std::chrono::seconds(60)) << "sanity: the timeout fired, we did not hang";
}

TEST_F(Retries, HonoursRetryAfter) {
    sandbox::FaultRule rule = put_fault(sandbox::FaultRule::Action::kStatus, 1);
    rule.status = 429;
    rule.headers["Retry-After"] = "1";
    server_->add_fault(rule);
    RecordingHost host;
    const Execution e = execute(resend_spec(*server_), host);
    EXPECT_EQ(status_of(e), "succeeded") << e.raw;
    EXPECT_EQ(attempts_of(e), 2);
    EXPECT_GE(e.outcome->getValue<int>("duration_ms"), 1000) << "waited as the server asked";
    EXPECT_TRUE(contains(host.logs().at(0), "retrying in 1000 ms")) << host.logs().at(0);
}

TEST_F(Retries, StopsWhenRetryAfterWouldPassTheDeadline) {
    sandbox::FaultRule rule = put_fault(sandbox::FaultRule::Action::kStatus, -1);
    rule.status = 429;
    rule.headers["Retry-After"] = "60";
    server_->add_fault(rule);
    RecordingHost host;
    SpecOptions options;
    options.deadline_ms = 2000;
    options.key = "PACING-KEY-15";  // this key's bucket stays held for 60 s afterwards
    const Execution e = execute(resend_spec(*server_, options), host);
    EXPECT_EQ(status_of(e), "failed") << e.raw;
    EXPECT_EQ(error_kind_of(e), "rate_limited");
    EXPECT_TRUE(e.outcome->getObject("error")->getValue<bool>("retryable"));
    EXPECT_EQ(attempts_of(e), 1);
    EXPECT_TRUE(contains(e.outcome->getObject("error")->getValue<std::string>("msg"), "deadline"));
}

TEST_F(Retries, CancellationBetweenAttemptsStopsBeforeTheNextRequest) {
    sandbox::FaultRule rule = put_fault(sandbox::FaultRule::Action::kStatus, -1);
    rule.status = 503;
    server_->add_fault(rule);
    RecordingHost host;
    host.cancel_from_call(2);  // call 1: before attempt 1; call 2: during the backoff
    SpecOptions options;
    options.max_attempts = 5;
    options.initial_delay_ms = 200;
    options.max_delay_ms = 200;
    const Execution e = execute(resend_spec(*server_, options), host);
    ASSERT_EQ(e.emit_count, 1);
    EXPECT_NE(e.rc, 0);
    EXPECT_EQ(status_of(e), "cancelled") << e.raw;
    EXPECT_TRUE(e.outcome->getValue<bool>("failed"));
    EXPECT_FALSE(e.outcome->getValue<bool>("changed"));
    EXPECT_EQ(error_kind_of(e), "cancelled");
    EXPECT_EQ(attempts_of(e), 1);
    EXPECT_EQ(server_->requests().size(), 1u);
}

TEST_F(Retries, CancellationInterruptsALongBackoff) {
    sandbox::FaultRule rule = put_fault(sandbox::FaultRule::Action::kStatus, -1);
    rule.status = 503;
    rule.headers["Retry-After"] = "40";  // a fixed 40 s backoff, well inside the deadline
    server_->add_fault(rule);
    RecordingHost host;
    host.cancel_from_call(2);
    SpecOptions options;
    options.deadline_ms = 120000;
    const auto started = std::chrono::steady_clock::now();
    const Execution e = execute(resend_spec(*server_, options), host);
    EXPECT_EQ(status_of(e), "cancelled") << e.raw;
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(20))
        << "sanity: the backoff sleep noticed the cancellation instead of sleeping 40 s";
    EXPECT_EQ(server_->requests().size(), 1u);
}

TEST_F(Retries, CancelledBeforeTheFirstAttemptSendsNothing) {
    RecordingHost host;
    host.cancel_from_call(1);
    const Execution e = execute(resend_spec(*server_), host);
    EXPECT_EQ(status_of(e), "cancelled") << e.raw;
    EXPECT_EQ(attempts_of(e), 0);
    EXPECT_TRUE(server_->requests().empty());
}

}  // namespace
