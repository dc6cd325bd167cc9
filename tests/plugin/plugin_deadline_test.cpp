// Wall-clock bounds on an attempt (issue 9, High 2): connect, TLS handshake, request, status
// line and headers, and body all end by the attempt's timeout_ms and the task's deadline_ms,
// measured across reads, so a server that drips one byte at a time cannot keep a task alive,
// and a silent server costs one timeout, not two. The upper bounds below catch a hang; they
// are not performance assertions.
#include <gtest/gtest.h>

#include <chrono>

#include "plugin_test_support.h"

namespace {

using namespace dcv_plugin_test;
using sandbox::FaultRule;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

constexpr const char* kResendPath = "/dcv/emails";

class AttemptDeadline : public PluginSandboxSuite {
  protected:
    static FaultRule drip(FaultRule::Action action) {
        FaultRule rule;
        rule.method = "PUT";
        rule.path_suffix = kResendPath;
        rule.action = action;
        rule.count = -1;
        rule.status = 200;
        rule.body = R"({"padding":")" + std::string(200, 'x') + R"("})";
        rule.delay = milliseconds(200);
        return rule;
    }
    // Runs `options` against `server` and says how long it took.
    static Execution timed(const sandbox::SandboxServer& server, const SpecOptions& options,
                           Clock::duration& took) {
        RecordingHost host;
        const auto started = Clock::now();
        Execution e = execute(resend_spec(server, options), host);
        took = Clock::now() - started;
        return e;
    }
};

TEST_F(AttemptDeadline, AHeaderDripEndsByTheDeadline) {
    server_->add_fault(drip(FaultRule::Action::kDripHeaders));
    SpecOptions options;
    options.timeout_ms = 1000;
    options.deadline_ms = 2500;
    options.max_attempts = 10;
    options.in_doubt_retries = 9;  // keep resending until the deadline ends it
    Clock::duration took{};
    const Execution e = timed(*server_, options, took);
    EXPECT_EQ(status_of(e), "failed") << e.raw;
    EXPECT_EQ(error_kind_of(e), "timeout") << e.raw;
    EXPECT_TRUE(in_doubt_of(e)) << "the whole PUT was written: " << e.raw;
    EXPECT_LT(took, milliseconds(2500 + 1000)) << e.raw;
    EXPECT_GE(attempts_of(e), 2) << e.raw;
}

TEST_F(AttemptDeadline, ABodyDripEndsByTheAttemptTimeout) {
    server_->add_fault(drip(FaultRule::Action::kDripBody));
    SpecOptions options;
    options.timeout_ms = 1000;
    options.deadline_ms = 2500;
    Clock::duration took{};
    const Execution e = timed(*server_, options, took);
    EXPECT_EQ(status_of(e), "failed") << e.raw;
    EXPECT_EQ(error_kind_of(e), "timeout") << e.raw;
    EXPECT_TRUE(in_doubt_of(e)) << "the server had started to answer: " << e.raw;
    EXPECT_EQ(attempts_of(e), 1) << e.raw;
    EXPECT_LT(took, milliseconds(1000 + 1000)) << e.raw;
}

TEST_F(AttemptDeadline, ABodyDripEndsByTheDeadlineWhenThatComesFirst) {
    server_->add_fault(drip(FaultRule::Action::kDripBody));
    SpecOptions options;
    options.timeout_ms = 3000;
    options.deadline_ms = 1500;
    Clock::duration took{};
    const Execution e = timed(*server_, options, took);
    EXPECT_EQ(error_kind_of(e), "timeout") << e.raw;
    EXPECT_LT(took, milliseconds(1500 + 1000)) << e.raw;
}

TEST_F(AttemptDeadline, AConnectionThatNeverHandshakesEndsByTheTimeout) {
    // A sandbox of its own, so no pooled session skips the handshake.
    sandbox::SandboxServer fresh(sandbox_options());
    fresh.silence_next_connections(100, milliseconds(30000));
    SpecOptions options;
    options.timeout_ms = 1000;
    options.max_attempts = 1;
    Clock::duration took{};
    const Execution e = timed(fresh, options, took);
    EXPECT_EQ(status_of(e), "failed") << e.raw;
    const std::string kind = error_kind_of(e);
    EXPECT_TRUE(kind == "timeout" || kind == "network") << e.raw;
    EXPECT_FALSE(contains(e.raw, "ca_file")) << "not a certificate problem: " << e.raw;
    EXPECT_FALSE(e.outcome->has("in_doubt")) << "no request byte was written: " << e.raw;
    EXPECT_LT(took, milliseconds(1000 + 1000)) << e.raw;
}

TEST_F(AttemptDeadline, ASilentServerCostsOneTimeoutNotTwo) {
    FaultRule stall;
    stall.method = "PUT";
    stall.path_suffix = kResendPath;
    stall.action = FaultRule::Action::kStall;
    stall.delay = milliseconds(5000);
    server_->add_fault(stall);
    SpecOptions options;
    options.timeout_ms = 1000;
    options.max_attempts = 1;
    Clock::duration took{};
    const Execution e = timed(*server_, options, took);
    EXPECT_EQ(error_kind_of(e), "timeout") << e.raw;
    EXPECT_GE(took, milliseconds(900)) << e.raw;
    EXPECT_LT(took, milliseconds(1700)) << "one attempt is one timeout_ms, not two: " << e.raw;
}

}  // namespace
