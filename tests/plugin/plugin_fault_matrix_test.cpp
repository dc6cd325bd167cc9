// The fault matrix (issue 9, "Proof that stays"): one row per way a server or the network can
// fail a resend, each against a fresh sandbox (no pooled connection from another row), with the
// outcome it must give: status, error.kind, in_doubt, and a duration within deadline_ms + 1 s.
// Every row runs twice: as is, and with the caller cancelling 300 ms in, which must end it
// within 1 s of the cancel (blocked reads and writes included) with status "cancelled", unless
// the row had already ended by itself. The time bounds catch a hang; they are not performance
// assertions.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <ostream>
#include <string>

#include "plugin_test_support.h"

namespace {

using namespace dcv_plugin_test;
using sandbox::FaultRule;
using sandbox::TlsIdentity;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

constexpr milliseconds kCancelAfter{300};
constexpr milliseconds kCancelWithin{1000};
constexpr int kTimeoutMs = 1000;
constexpr int kDeadlineMs = 2500;
// The cancelled runs get the audit's longer limits, so only the cancel can end them early.
constexpr int kCancelledTimeoutMs = 3000;
constexpr int kCancelledDeadlineMs = 8000;

// What a row sets up on its sandbox.
struct Fault {
    TlsIdentity identity = TlsIdentity::kTrusted;
    std::optional<FaultRule> rule;  // on the PUT
    int reset_connections = 0;      // reset on accept, before the TLS handshake
    int silent_connections = 0;     // accepted, never handshaken
    bool locked_out = false;        // the key is over DigiCert's limits (the recipients GET)
};

struct Row {
    const char* name;
    Fault fault;
    const char* status;  // "succeeded" or "failed"
    const char* kind;    // error.kind; "" when it succeeds
    bool in_doubt;
    // Cancelled 300 ms in: ends "cancelled" with this in_doubt, or (nullopt) the row is
    // normally over before the cancel and ends as it does uncancelled (or, on a machine slow
    // enough that the cancel came first, "cancelled").
    std::optional<bool> cancelled_in_doubt;
};

std::ostream& operator<<(std::ostream& out, const Row& row) {
    return out << row.name;
}

FaultRule on_put(FaultRule::Action action, int status = 200, milliseconds delay = {},
                 int count = -1) {
    FaultRule rule;
    rule.method = "PUT";
    rule.path_suffix = "/dcv/emails";
    rule.action = action;
    rule.status = status;
    rule.delay = delay;
    rule.count = count;
    if (action != FaultRule::Action::kStatus) {
        rule.body = R"({"padding":")" + std::string(200, 'x') + R"("})";
    }
    return rule;
}

FaultRule html_502() {
    FaultRule rule = on_put(FaultRule::Action::kStatus, 502);
    rule.body = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    rule.content_type = "text/html";
    return rule;
}

FaultRule unavailable(std::optional<int> retry_after_s) {
    FaultRule rule = on_put(FaultRule::Action::kStatus, 503, {}, 1);
    if (retry_after_s) {
        rule.headers["Retry-After"] = std::to_string(*retry_after_s);
    }
    return rule;
}

Fault rule(FaultRule r) {
    Fault f;
    f.rule = std::move(r);
    return f;
}

Fault identity(TlsIdentity id) {
    Fault f;
    f.identity = id;
    return f;
}

using A = FaultRule::Action;

const Row kRows[] = {
    {"LatencyUnderTheTimeout", rule(on_put(A::kLatency, 204, milliseconds(100))), "succeeded", "",
     false, std::nullopt},
    {"StallPastTheTimeout", rule(on_put(A::kStall, 200, milliseconds(10000))), "failed", "timeout",
     true, true},
    {"DripInTheHeaders", rule(on_put(A::kDripHeaders, 200, milliseconds(200))), "failed", "timeout",
     true, true},
    {"DripInTheBody", rule(on_put(A::kDripBody, 200, milliseconds(200))), "failed", "timeout", true,
     true},
    {"ResetBeforeTheRequestIsWritten", Fault{TlsIdentity::kTrusted, {}, 100, 0, false}, "failed",
     "network", false, std::nullopt},
    {"ResetAfterTheRequestIsWritten", rule(on_put(A::kReset)), "failed", "network", true,
     std::nullopt},
    {"ResetMidAnswer", rule(on_put(A::kResetAfterHeaders)), "failed", "network", true,
     std::nullopt},
    {"TruncatedBody", rule(on_put(A::kTruncatedBody)), "failed", "network", true, std::nullopt},
    {"Html502", rule(html_502()), "failed", "server", false, std::nullopt},
    {"Unavailable503WithRetryAfter", rule(unavailable(1)), "succeeded", "", false, false},
    {"Unavailable503WithoutRetryAfter", rule(unavailable(std::nullopt)), "succeeded", "", false,
     std::nullopt},
    {"LockedOut429", Fault{TlsIdentity::kTrusted, {}, 0, 0, true}, "failed", "rate_limited", false,
     std::nullopt},
    {"UntrustedCertificate", identity(TlsIdentity::kSelfSigned), "failed", "tls", false,
     std::nullopt},
    {"CertificateForAnotherHost", identity(TlsIdentity::kWrongHost), "failed", "tls", false,
     std::nullopt},
    {"AcceptWithoutHandshake", Fault{TlsIdentity::kTrusted, {}, 0, 100, false}, "failed", "timeout",
     false, false},
};

class FaultMatrix : public ::testing::TestWithParam<Row> {
  protected:
    void SetUp() override {
        const Fault& fault = GetParam().fault;
        sandbox::SandboxOptions options = sandbox_options(fault.identity);
        if (fault.locked_out) {
            // One request per 5 s: the recipients GET passes, the PUT after it trips the
            // limit, and the lockout outlasts the task.
            options.short_window = {1, std::chrono::seconds(5)};
            options.lockout = std::chrono::seconds(60);
        }
        server_ = std::make_unique<sandbox::SandboxServer>(options);
        if (fault.rule) {
            server_->add_fault(*fault.rule);
        }
        if (fault.reset_connections > 0) {
            server_->reset_next_connections(fault.reset_connections);
        }
        if (fault.silent_connections > 0) {
            server_->silence_next_connections(fault.silent_connections, milliseconds(30000));
        }
    }

    Execution run(RecordingHost& host, Clock::duration& took, int timeout_ms = kTimeoutMs,
                  int deadline_ms = kDeadlineMs) const {
        SpecOptions options;
        options.timeout_ms = timeout_ms;
        options.deadline_ms = deadline_ms;
        options.initial_delay_ms = 1;
        options.max_delay_ms = 5;
        options.check_recipients = GetParam().fault.locked_out;
        const auto started = Clock::now();
        Execution e = execute(resend_spec(*server_, options), host);
        took = Clock::now() - started;
        return e;
    }

    std::unique_ptr<sandbox::SandboxServer> server_;
};

bool in_doubt(const Execution& e) {
    return e.outcome && e.outcome->optValue("in_doubt", false);
}

TEST_P(FaultMatrix, EndsAsTheRowSaysWithinTheDeadline) {
    const Row& row = GetParam();
    RecordingHost host;
    Clock::duration took{};
    const Execution e = run(host, took);
    ASSERT_EQ(e.emit_count, 1) << e.raw;
    EXPECT_EQ(status_of(e), row.status) << e.raw;
    EXPECT_EQ(error_kind_of(e), row.kind) << e.raw;
    EXPECT_EQ(in_doubt(e), row.in_doubt) << e.raw;
    EXPECT_LT(took, milliseconds(kDeadlineMs + 1000)) << e.raw;
    EXPECT_EQ(e.raw.find(kCanaryKey), std::string::npos);
}

TEST_P(FaultMatrix, ACancelEndsItWithinOneSecond) {
    const Row& row = GetParam();
    RecordingHost host;
    host.cancel_after(kCancelAfter);
    Clock::duration took{};
    const Execution e = run(host, took, kCancelledTimeoutMs, kCancelledDeadlineMs);
    ASSERT_EQ(e.emit_count, 1) << e.raw;
    EXPECT_LT(took, kCancelAfter + kCancelWithin) << e.raw;
    if (row.cancelled_in_doubt) {
        EXPECT_EQ(status_of(e), "cancelled") << e.raw;
        EXPECT_EQ(error_kind_of(e), "cancelled") << e.raw;
        EXPECT_EQ(in_doubt(e), *row.cancelled_in_doubt) << e.raw;
    } else if (status_of(e) != "cancelled") {  // over before the cancel, as it should be
        EXPECT_EQ(status_of(e), row.status) << e.raw;
    } else {  // a slow machine: the cancel came first, and ended it cleanly
        EXPECT_GE(took, kCancelAfter) << e.raw;
        EXPECT_EQ(error_kind_of(e), "cancelled") << e.raw;
    }
}

INSTANTIATE_TEST_SUITE_P(Rows, FaultMatrix, ::testing::ValuesIn(kRows),
                         [](const ::testing::TestParamInfo<Row>& info) {
                             return std::string(info.param.name);
                         });

}  // namespace
