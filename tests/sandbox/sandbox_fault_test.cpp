// Injected faults and DigiCert's rate limits, over real TLS. Where a test needs time to pass
// it sleeps at least that long and then checks behaviour; nothing asserts how fast anything is.
#include <Poco/Exception.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <thread>

#include "sandbox_server.h"
#include "sandbox_suite.h"
#include "sandbox_test_client.h"

namespace {

using namespace std::chrono_literals;
using sandbox::FaultRule;
using sandbox_test::Call;
using sandbox_test::kCanaryKey;
using sandbox_test::Reply;
using sandbox_test::resend_target;
using sandbox_test::single_error;
using sandbox_test::StrictClient;

const Call kInfo{"GET", "/services/v2/domain/1234567"};
const Call kResend{"PUT", resend_target(1234567), "{}"};

class SandboxFaults : public sandbox_test::SandboxSuite {
  protected:
    static void SetUpTestSuite() { start_sandbox(sandbox_test::base_options()); }
    static Reply call(const Call& c, int timeout_ms = 10000) {
        StrictClient client(server_->ca_file(), server_->port(), timeout_ms);
        return client.send(c);
    }
};

FaultRule status_rule(int status, const std::string& body = "") {
    FaultRule rule;
    rule.action = FaultRule::Action::kStatus;
    rule.status = status;
    rule.body = body;
    return rule;
}

TEST_F(SandboxFaults, StatusFaultWithoutBodyAnswersDigiCertShapedError) {
    server_->add_fault(status_rule(503));
    const Reply reply = call(kResend);
    EXPECT_EQ(reply.status, 503);
    EXPECT_FALSE(single_error(reply.body).first.empty());
    EXPECT_EQ(reply.header("Content-Type"), "application/json");
    EXPECT_TRUE(server_->accepted_resends().empty());
    EXPECT_EQ(server_->requests().size(), 1u);  // recorded although faulted
}

TEST_F(SandboxFaults, StatusFaultSendsRawBodyContentTypeAndHeaders) {
    FaultRule rule = status_rule(502, "<html><body>Bad Gateway</body></html>");
    rule.content_type = "text/html";
    rule.headers = {{"Retry-After", "7"}};
    server_->add_fault(rule);
    const Reply reply = call(kResend);
    EXPECT_EQ(reply.status, 502);
    EXPECT_EQ(reply.body, "<html><body>Bad Gateway</body></html>");
    EXPECT_EQ(reply.header("Content-Type"), "text/html");
    EXPECT_EQ(reply.header("Retry-After"), "7");
}

TEST_F(SandboxFaults, FaultHitsOnlyTheRequestsInItsSkipCountWindow) {
    FaultRule rule = status_rule(500);
    rule.skip = 1;
    rule.count = 2;
    server_->add_fault(rule);
    StrictClient client(server_->ca_file(), server_->port());
    std::vector<int> statuses;
    for (int i = 0; i < 5; ++i) {
        statuses.push_back(client.send(kInfo).status);
    }
    EXPECT_EQ(statuses, (std::vector<int>{200, 500, 500, 200, 200}));
}

TEST_F(SandboxFaults, FaultWithNegativeCountFiresForever) {
    FaultRule rule = status_rule(500);
    rule.count = -1;
    server_->add_fault(rule);
    StrictClient client(server_->ca_file(), server_->port());
    for (int i = 0; i < 4; ++i) {
        EXPECT_EQ(client.send(kInfo).status, 500);
    }
    server_->clear_faults();
    EXPECT_EQ(client.send(kInfo).status, 200);
}

TEST_F(SandboxFaults, FaultMatchesMethodAndPathSuffixOnly) {
    FaultRule rule = status_rule(500);
    rule.method = "PUT";
    rule.path_suffix = "/dcv/emails";
    rule.count = -1;
    server_->add_fault(rule);
    StrictClient client(server_->ca_file(), server_->port());
    EXPECT_EQ(client.send(kInfo).status, 200);
    EXPECT_EQ(client.send(Call{"GET", resend_target(1234567)}).status, 200);
    EXPECT_EQ(client.send(kResend).status, 500);
}

TEST_F(SandboxFaults, FirstFiringRuleWinsAndEachRuleCountsItsOwnMatches) {
    FaultRule first = status_rule(502);
    first.skip = 1;  // fires on the 2nd request only
    server_->add_fault(first);
    server_->add_fault(status_rule(503));  // fires on the 1st request only
    StrictClient client(server_->ca_file(), server_->port());
    EXPECT_EQ(client.send(kInfo).status, 503);
    EXPECT_EQ(client.send(kInfo).status, 502);
    EXPECT_EQ(client.send(kInfo).status, 200);
}

TEST_F(SandboxFaults, ResetFaultResetsTheConnectionWithoutAnAnswer) {
    FaultRule rule;
    rule.action = FaultRule::Action::kReset;
    server_->add_fault(rule);
    // A real RST, not an orderly TLS close: Poco reports it as a connection reset.
    EXPECT_THROW(call(kResend), Poco::Net::ConnectionResetException);
    EXPECT_EQ(server_->requests().size(), 1u);
    EXPECT_TRUE(server_->accepted_resends().empty());
    EXPECT_EQ(call(kResend).status, 204);  // the rule was for one request only
}

TEST_F(SandboxFaults, CloseFaultEndsTcpWithoutTlsCloseNotify) {
    FaultRule rule;
    rule.action = FaultRule::Action::kClose;
    server_->add_fault(rule);
    // OpenSSL sees the TCP EOF without close_notify: "unexpected eof while reading".
    EXPECT_THROW(call(kResend), Poco::Net::SSLException);
    EXPECT_EQ(server_->requests().size(), 1u) << "the whole request was read first";
    EXPECT_TRUE(server_->accepted_resends().empty());
    EXPECT_EQ(call(kResend).status, 204);
}

TEST_F(SandboxFaults, ResetNextConnectionsResetsOnAcceptBeforeAnyRequest) {
    server_->reset_next_connections(1);
    EXPECT_THROW(call(kResend), Poco::Exception);  // during the TLS handshake
    EXPECT_TRUE(server_->requests().empty()) << "no request was ever read";
    EXPECT_EQ(server_->connections_accepted(), 1u);
    EXPECT_EQ(call(kResend).status, 204) << "only the next one connection";
    server_->reset_next_connections(5);
    server_->clear_faults();
    EXPECT_EQ(call(kResend).status, 204) << "clear_faults cancels it";
}

TEST_F(SandboxFaults, SilenceNextConnectionsHoldsThemWithoutAHandshake) {
    server_->silence_next_connections(1, std::chrono::milliseconds(30000));
    const auto start = std::chrono::steady_clock::now();
    EXPECT_THROW(call(kResend, 300), Poco::Exception);  // no ServerHello ever comes
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
    EXPECT_TRUE(server_->requests().empty()) << "no request was ever read";
    EXPECT_EQ(call(kResend).status, 204) << "only the next one connection";
}

TEST_F(SandboxFaults, DripFaultsSendTheAnswerOneByteAtATime) {
    for (const auto action : {FaultRule::Action::kDripHeaders, FaultRule::Action::kDripBody}) {
        FaultRule rule;
        rule.action = action;
        rule.status = 200;
        rule.body = R"({"a":1})";
        rule.delay = std::chrono::milliseconds(action == FaultRule::Action::kDripBody ? 50 : 5);
        server_->add_fault(rule);
        const auto start = std::chrono::steady_clock::now();
        const Reply reply = call(kResend);
        EXPECT_EQ(reply.status, 200);
        EXPECT_EQ(reply.body, rule.body);
        EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(300));
        server_->clear_faults();
    }
}

TEST_F(SandboxFaults, CutAnswersAnnounceTheWholeBodyAndSendLess) {
    const std::string body = R"({"padding":")" + std::string(100, 'x') + R"("})";
    for (const auto action :
         {FaultRule::Action::kResetAfterHeaders, FaultRule::Action::kCloseAfterHeaders,
          FaultRule::Action::kTruncatedBody}) {
        server_->clear_faults();
        FaultRule rule = status_rule(200, body);
        rule.action = action;
        rule.delay = 100ms;
        server_->add_fault(rule);
        Reply reply;
        try {
            reply = call(kResend);
        } catch (const Poco::Exception& e) {
            ADD_FAILURE() << "the status line and headers arrive whole: " << e.displayText();
            continue;
        }
        EXPECT_EQ(reply.status, 200);
        EXPECT_EQ(reply.header("Content-Length"), std::to_string(body.size()));
        const std::string expected =
            action == FaultRule::Action::kTruncatedBody ? body.substr(0, body.size() / 2) : "";
        EXPECT_EQ(reply.body, expected) << "the client's stream ends early, without an error";
    }
    EXPECT_TRUE(server_->accepted_resends().empty());
}

TEST_F(SandboxFaults, CountsTheRequestsItReceivedByMethodAndPath) {
    FaultRule rule;
    rule.action = FaultRule::Action::kReset;
    server_->add_fault(rule);
    EXPECT_THROW(call(kResend), Poco::Exception);
    EXPECT_EQ(call(kResend).status, 204);
    EXPECT_EQ(call(kInfo).status, 200);
    EXPECT_EQ(server_->request_count(), 3u);
    EXPECT_EQ(server_->request_count("PUT"), 2u) << "the reset one counts: it was read whole";
    EXPECT_EQ(server_->request_count("PUT", "/dcv/emails"), 2u);
    EXPECT_EQ(server_->request_count("GET", "/domain/1234567"), 1u);
    EXPECT_EQ(server_->request_count("GET", "/dcv/emails"), 0u);
}

TEST_F(SandboxFaults, StallFaultReadsTheRequestThenClosesWithoutAnswering) {
    FaultRule rule;
    rule.action = FaultRule::Action::kStall;
    rule.delay = 300ms;
    server_->add_fault(rule);
    const auto start = std::chrono::steady_clock::now();
    EXPECT_THROW(call(kResend), Poco::Exception);
    EXPECT_GE(std::chrono::steady_clock::now() - start, 300ms);  // silent for the whole stall
    EXPECT_EQ(server_->requests().size(), 1u);
    EXPECT_TRUE(server_->accepted_resends().empty());
}

TEST_F(SandboxFaults, StallFaultOutlastsAClientTimeout) {
    FaultRule rule;
    rule.action = FaultRule::Action::kStall;
    rule.delay = 30s;  // the sandbox's stop wakes it; the suite does not wait this out
    server_->add_fault(rule);
    EXPECT_THROW(call(kResend, 200), Poco::TimeoutException);
    EXPECT_EQ(server_->requests().size(), 1u);
}

TEST_F(SandboxFaults, LatencyFaultWaitsThenAnswersNormally) {
    FaultRule rule;
    rule.action = FaultRule::Action::kLatency;
    rule.delay = 300ms;
    server_->add_fault(rule);
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(call(kResend).status, 204);
    EXPECT_GE(std::chrono::steady_clock::now() - start, 300ms);
    EXPECT_EQ(server_->accepted_resends().size(), 1u);
}

// ---- rate limits: a server per scenario, since the windows are per server ----

std::unique_ptr<sandbox::SandboxServer> limited_server(sandbox::RateWindow short_window,
                                                       sandbox::RateWindow long_window,
                                                       std::chrono::milliseconds lockout,
                                                       std::optional<int> retry_after = {}) {
    sandbox::SandboxOptions options = sandbox_test::base_options();
    options.short_window = short_window;
    options.long_window = long_window;
    options.lockout = lockout;
    options.retry_after_seconds = retry_after;
    return std::make_unique<sandbox::SandboxServer>(std::move(options));
}

void expect_lockout_answer(const Reply& reply) {
    EXPECT_EQ(reply.status, 429);
    const auto [code, message] = single_error(reply.body);
    EXPECT_EQ(code, "request_limit_exceeded");
    EXPECT_EQ(message, "Service unavailable, please limit request volume");
}

TEST(SandboxRateLimit, LocksOutKeyAfterShortWindowExceeded) {
    // Windows long enough that a slow machine cannot slide them; the lockout outlasts the test.
    const auto server = limited_server({5, 60s}, {0, 0ms}, 60s);
    StrictClient client(server->ca_file(), server->port());
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(client.send(kInfo).status, 200) << i;
    }
    expect_lockout_answer(client.send(kInfo));
    // Every request during the lockout is refused, whatever it is.
    expect_lockout_answer(client.send(kResend));
    expect_lockout_answer(client.send(Call{"GET", "/services/v2/no/such/path"}));
    EXPECT_FALSE(client.send(kInfo).has_header("Retry-After"));
    EXPECT_EQ(server->rate_limited_count(), 4u);
    EXPECT_TRUE(server->accepted_resends().empty());
    EXPECT_EQ(server->requests().size(), 9u);  // refused ones are recorded too
}

TEST(SandboxRateLimit, LocksOutKeyAfterLongWindowExceeded) {
    const auto server = limited_server({0, 0ms}, {3, 60s}, 60s);
    StrictClient client(server->ca_file(), server->port());
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(client.send(kInfo).status, 200) << i;
    }
    expect_lockout_answer(client.send(kInfo));
}

TEST(SandboxRateLimit, LimitsAreCountedPerKeyKnownOrNot) {
    const auto server = limited_server({2, 60s}, {0, 0ms}, 60s);
    StrictClient client(server->ca_file(), server->port());
    Call stranger = kInfo;
    stranger.key = "UNKNOWN-KEY-4d5e";
    EXPECT_EQ(client.send(stranger).status, 401);
    EXPECT_EQ(client.send(stranger).status, 401);
    expect_lockout_answer(client.send(stranger));  // an unknown key is limited as well
    EXPECT_EQ(client.send(kInfo).status, 200);     // ... and the canary key is not affected
}

TEST(SandboxRateLimit, SendsRetryAfterOnlyWhenConfigured) {
    const auto server = limited_server({1, 60s}, {0, 0ms}, 60s, 3);
    StrictClient client(server->ca_file(), server->port());
    EXPECT_EQ(client.send(kInfo).status, 200);
    const Reply reply = client.send(kInfo);
    expect_lockout_answer(reply);
    EXPECT_EQ(reply.header("Retry-After"), "3");
}

TEST(SandboxRateLimit, RecoversAfterLockout) {
    const auto server = limited_server({2, 60s}, {0, 0ms}, 300ms);
    StrictClient client(server->ca_file(), server->port());
    EXPECT_EQ(client.send(kInfo).status, 200);
    EXPECT_EQ(client.send(kInfo).status, 200);
    expect_lockout_answer(client.send(kInfo));
    std::this_thread::sleep_for(400ms);
    EXPECT_EQ(client.send(kResend).status, 204);
    EXPECT_EQ(client.send(kInfo).status, 200);
}

TEST(SandboxRateLimit, RequestsDuringLockoutDoNotExtendIt) {
    const auto server = limited_server({1, 60s}, {0, 0ms}, 500ms);
    StrictClient client(server->ca_file(), server->port());
    EXPECT_EQ(client.send(kInfo).status, 200);
    expect_lockout_answer(client.send(kInfo));
    // Keep knocking throughout: were each refusal to extend the lockout, this would never end.
    // 20 s is only a bound so a broken build fails instead of hanging.
    const auto give_up = std::chrono::steady_clock::now() + 20s;
    int status = 429;
    while (status == 429 && std::chrono::steady_clock::now() < give_up) {
        std::this_thread::sleep_for(50ms);
        status = client.send(kInfo).status;
    }
    EXPECT_EQ(status, 200);
    EXPECT_GE(server->rate_limited_count(), 2u);
}

}  // namespace
