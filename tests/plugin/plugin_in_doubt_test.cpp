// Sends that may have been accepted (issue 9): a PUT whose whole request reached the server
// and that then got no answer (a reset, a close, a timeout) is "in doubt". It is not sent again
// unless connection.retry.in_doubt_retries allows it, and the outcome says "in_doubt": true so
// the host's ledger keeps it as such. Failures before the request was written, answers that say
// "not accepted" (503) and the idempotent pre-flight GETs keep their retries. A connection that
// breaks mid-answer is a network failure, never a TLS one.
#include <gtest/gtest.h>

#include <chrono>

#include "plugin_test_support.h"

namespace {

using namespace dcv_plugin_test;
using sandbox::FaultRule;

constexpr const char* kResendPath = "/dcv/emails";

class ResendInDoubt : public PluginSandboxSuite {
  protected:
    static FaultRule fault(const std::string& method, FaultRule::Action action, int count = -1) {
        FaultRule rule;
        rule.method = method;
        rule.path_suffix = kResendPath;
        rule.action = action;
        rule.count = count;
        return rule;
    }
    // An answer whose body is long enough that half of it is not valid JSON.
    static FaultRule cut_answer(const std::string& method, FaultRule::Action action) {
        FaultRule rule = fault(method, action);
        rule.status = 200;
        rule.body = R"({"emails":["admin@example.com","webmaster@example.com"],"padding":")" +
                    std::string(200, 'x') + R"("})";
        rule.delay = std::chrono::milliseconds(100);
        return rule;
    }
    static size_t puts_received() { return server_->request_count("PUT", kResendPath); }
    static Poco::JSON::Object::Ptr error_of(const Execution& e) {
        return e.outcome->getObject("error");
    }
};

TEST_F(ResendInDoubt, AResetAfterTheWholePutIsInDoubtAndNotSentAgain) {
    server_->add_fault(fault("PUT", FaultRule::Action::kReset));
    RecordingHost host;
    const Execution e = execute(resend_spec(*server_), host);
    ASSERT_EQ(e.emit_count, 1);
    EXPECT_NE(e.rc, 0);
    EXPECT_EQ(status_of(e), "failed") << e.raw;
    EXPECT_TRUE(in_doubt_of(e)) << e.raw;
    EXPECT_EQ(error_kind_of(e), "network") << e.raw;
    EXPECT_FALSE(error_of(e)->getValue<bool>("retryable")) << "sending again may send twice";
    EXPECT_EQ(attempts_of(e), 1) << e.raw;
    EXPECT_EQ(puts_received(), 1u) << "the server got the PUT once";
    EXPECT_TRUE(contains(error_of(e)->getValue<std::string>("msg"), "may have been accepted"))
        << e.raw;
    EXPECT_TRUE(contains(e.outcome->getValue<std::string>("msg"), "not sent again")) << e.raw;
}

TEST_F(ResendInDoubt, AnEofAfterTheWholePutIsNetworkNotTlsAndInDoubt) {
    // A TCP close without TLS close_notify (a proxy, a crashed server): OpenSSL reports an
    // unexpected EOF, which is the connection failing, not TLS.
    server_->add_fault(fault("PUT", FaultRule::Action::kClose));
    RecordingHost host;
    const Execution e = execute(resend_spec(*server_), host);
    EXPECT_EQ(status_of(e), "failed") << e.raw;
    EXPECT_EQ(error_kind_of(e), "network") << e.raw;
    EXPECT_TRUE(in_doubt_of(e)) << e.raw;
    EXPECT_EQ(attempts_of(e), 1) << e.raw;
    EXPECT_EQ(puts_received(), 1u);
}

TEST_F(ResendInDoubt, NoAnswerWithinTheTimeoutIsInDoubt) {
    FaultRule rule = fault("PUT", FaultRule::Action::kStall);
    rule.delay = std::chrono::milliseconds(3000);
    server_->add_fault(rule);
    RecordingHost host;
    SpecOptions options;
    options.timeout_ms = 300;
    const Execution e = execute(resend_spec(*server_, options), host);
    EXPECT_EQ(status_of(e), "failed") << e.raw;
    EXPECT_EQ(error_kind_of(e), "timeout") << e.raw;
    EXPECT_TRUE(in_doubt_of(e)) << e.raw;
    EXPECT_EQ(attempts_of(e), 1) << e.raw;
    EXPECT_EQ(puts_received(), 1u);
}

TEST_F(ResendInDoubt, InDoubtRetriesAllowsThatManyResends) {
    server_->add_fault(fault("PUT", FaultRule::Action::kReset));
    RecordingHost host;
    SpecOptions options;
    options.max_attempts = 5;
    options.in_doubt_retries = 2;
    const Execution e = execute(resend_spec(*server_, options), host);
    EXPECT_EQ(status_of(e), "failed") << e.raw;
    EXPECT_TRUE(in_doubt_of(e)) << e.raw;
    EXPECT_EQ(error_kind_of(e), "network") << e.raw;
    EXPECT_EQ(attempts_of(e), 3) << e.raw;
    EXPECT_EQ(puts_received(), 3u) << "the first PUT and two in-doubt resends, not 5";
}

TEST_F(ResendInDoubt, AnInDoubtResendThatIsAnsweredSucceeds) {
    server_->add_fault(fault("PUT", FaultRule::Action::kReset, 1));
    RecordingHost host;
    SpecOptions options;
    options.in_doubt_retries = 1;
    const Execution e = execute(resend_spec(*server_, options), host);
    EXPECT_EQ(status_of(e), "succeeded") << e.raw;
    EXPECT_FALSE(e.outcome->has("in_doubt")) << e.raw;
    EXPECT_EQ(puts_received(), 2u);
    EXPECT_EQ(server_->accepted_resends().size(), 1u);
}

TEST_F(ResendInDoubt, AResetBeforeTheRequestIsWrittenIsRetried) {
    // A sandbox of its own: its first connection is this task's (no pooled session to reuse),
    // and it is reset on accept, during the TLS handshake, before any request byte is written.
    sandbox::SandboxServer fresh(sandbox_options());
    fresh.reset_next_connections(1);
    RecordingHost host;
    const Execution e = execute(resend_spec(fresh), host);
    EXPECT_EQ(status_of(e), "succeeded") << e.raw;
    EXPECT_FALSE(e.outcome->has("in_doubt")) << e.raw;
    EXPECT_EQ(attempts_of(e), 2) << e.raw;
    EXPECT_EQ(fresh.connections_accepted(), 2u);
    EXPECT_EQ(fresh.request_count("PUT", kResendPath), 1u) << "the reset one never arrived";
    ASSERT_FALSE(host.logs().empty());
    EXPECT_TRUE(contains(host.logs().at(0), "network failure (attempt 1/3); retrying"))
        << host.logs().at(0);
}

TEST_F(ResendInDoubt, AResetBeforeTheRequestIsWrittenThatPersistsIsNotInDoubt) {
    sandbox::SandboxServer fresh(sandbox_options());
    fresh.reset_next_connections(100);
    RecordingHost host;
    const Execution e = execute(resend_spec(fresh), host);
    EXPECT_EQ(status_of(e), "failed") << e.raw;
    EXPECT_EQ(error_kind_of(e), "network") << e.raw;
    EXPECT_FALSE(e.outcome->has("in_doubt")) << e.raw;
    EXPECT_EQ(attempts_of(e), 3) << e.raw;
    EXPECT_EQ(fresh.connections_accepted(), 3u);
    EXPECT_EQ(fresh.request_count(), 0u);
}

TEST_F(ResendInDoubt, AResetAfterTheStatusLineIsNetworkNotTls) {
    server_->add_fault(cut_answer("PUT", FaultRule::Action::kResetAfterHeaders));
    RecordingHost host;
    const Execution e = execute(resend_spec(*server_), host);
    EXPECT_EQ(status_of(e), "failed") << e.raw;
    EXPECT_EQ(error_kind_of(e), "network") << e.raw;
    EXPECT_TRUE(in_doubt_of(e)) << "the server answered, but its answer was lost: " << e.raw;
    EXPECT_EQ(puts_received(), 1u);
}

TEST_F(ResendInDoubt, AnEofAfterTheStatusLineIsNetworkNotTls) {
    server_->add_fault(cut_answer("PUT", FaultRule::Action::kCloseAfterHeaders));
    RecordingHost host;
    const Execution e = execute(resend_spec(*server_), host);
    EXPECT_EQ(status_of(e), "failed") << e.raw;
    EXPECT_EQ(error_kind_of(e), "network") << e.raw;
    EXPECT_TRUE(in_doubt_of(e)) << e.raw;
    EXPECT_EQ(puts_received(), 1u);
}

TEST_F(ResendInDoubt, ATruncatedAnswerToThePutIsNetworkAndInDoubt) {
    server_->add_fault(cut_answer("PUT", FaultRule::Action::kTruncatedBody));
    RecordingHost host;
    const Execution e = execute(resend_spec(*server_), host);
    EXPECT_EQ(status_of(e), "failed") << e.raw;
    EXPECT_EQ(error_kind_of(e), "network") << e.raw;
    EXPECT_TRUE(contains(error_of(e)->getValue<std::string>("msg"), "body")) << e.raw;
    EXPECT_TRUE(in_doubt_of(e)) << e.raw;
    EXPECT_EQ(puts_received(), 1u);
}

TEST_F(ResendInDoubt, PreflightGetsCutMidAnswerAreNetworkAndRetried) {
    for (const FaultRule::Action action :
         {FaultRule::Action::kResetAfterHeaders, FaultRule::Action::kCloseAfterHeaders,
          FaultRule::Action::kTruncatedBody}) {
        server_->clear_faults();
        server_->reset_records();
        server_->add_fault(cut_answer("GET", action));
        RecordingHost host;
        SpecOptions options;
        options.check_recipients = true;
        const Execution e = execute(resend_spec(*server_, options), host);
        EXPECT_EQ(status_of(e), "failed") << e.raw;
        EXPECT_EQ(error_kind_of(e), "network") << e.raw;
        EXPECT_FALSE(e.outcome->has("in_doubt")) << "a GET changes nothing: " << e.raw;
        EXPECT_EQ(attempts_of(e), 3) << "a GET is idempotent, so it is retried: " << e.raw;
        EXPECT_EQ(server_->request_count("GET", kResendPath), 3u);
        EXPECT_EQ(puts_received(), 0u) << "the pre-flight failed, nothing was sent";
    }
}

TEST_F(ResendInDoubt, A503IsStillRetried) {
    FaultRule rule = fault("PUT", FaultRule::Action::kStatus);
    rule.status = 503;
    server_->add_fault(rule);
    RecordingHost host;
    const Execution e = execute(resend_spec(*server_), host);
    EXPECT_EQ(status_of(e), "failed") << e.raw;
    EXPECT_EQ(error_kind_of(e), "server") << e.raw;
    EXPECT_FALSE(e.outcome->has("in_doubt")) << "a 503 says it was not accepted: " << e.raw;
    EXPECT_EQ(attempts_of(e), 3);
    EXPECT_EQ(puts_received(), 3u);
}

TEST_F(ResendInDoubt, AnEarlierInDoubtAttemptKeepsTheOutcomeInDoubt) {
    server_->add_fault(fault("PUT", FaultRule::Action::kReset, 1));
    FaultRule unavailable = fault("PUT", FaultRule::Action::kStatus);
    unavailable.status = 503;
    server_->add_fault(unavailable);
    RecordingHost host;
    SpecOptions options;
    options.in_doubt_retries = 1;
    const Execution e = execute(resend_spec(*server_, options), host);
    EXPECT_EQ(status_of(e), "failed") << e.raw;
    EXPECT_EQ(error_kind_of(e), "server") << e.raw;
    EXPECT_TRUE(in_doubt_of(e)) << "the first PUT may still have been accepted: " << e.raw;
    EXPECT_EQ(puts_received(), 3u);
}

}  // namespace
