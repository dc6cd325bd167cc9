// A resend through the dlopened plugin against the sandbox over real TLS: the bytes on the
// wire, the outcome, dry run, logging, and the canary key that must appear nowhere.
#include <gtest/gtest.h>

#include <Poco/JSON/Array.h>

#include "plugin_test_support.h"

namespace {

using namespace dcv_plugin_test;

class Resend : public PluginSandboxSuite {};

TEST_F(Resend, SucceedsAndSendsExactlyTheSeedRequest) {
    RecordingHost host;
    const Execution e = execute(resend_spec(*server_), host);
    ASSERT_EQ(e.emit_count, 1);
    EXPECT_EQ(e.rc, 0);
    EXPECT_EQ(status_of(e), "succeeded") << e.raw;
    EXPECT_TRUE(e.outcome->getValue<bool>("changed"));
    EXPECT_FALSE(e.outcome->getValue<bool>("failed"));
    EXPECT_EQ(attempts_of(e), 1);
    EXPECT_EQ(e.outcome->getValue<std::string>("id"), "test-run");
    EXPECT_EQ(e.outcome->getObject("response")->getValue<int>("http_status"), 204);
    EXPECT_EQ(e.outcome->getValue<std::string>("msg"),
              "DCV emails resent for example.com (domain 1234567)");
    EXPECT_FALSE(e.outcome->has("error"));

    const auto requests = server_->requests();
    ASSERT_EQ(requests.size(), 1u);
    const sandbox::RecordedRequest& wire = requests[0];
    const std::string body =
        R"({"name_scope":"example.com","locale":"en","email_array":["admin@example.com"]})";
    EXPECT_EQ(wire.method, "PUT");
    EXPECT_EQ(wire.target, "/services/v2/domain/1234567/dcv/emails");
    EXPECT_EQ(wire.header("Content-Type"), "application/json");
    EXPECT_TRUE(wire.header("X-DC-DEVKEY") == kCanaryKey) << "the key header is not the key";
    EXPECT_EQ(wire.header("User-Agent"), "taskhost-digicert-dcv/0.1.0");
    EXPECT_EQ(wire.header("Accept"), "application/json");
    EXPECT_EQ(wire.header("Content-Length"), std::to_string(body.size()));
    EXPECT_EQ(wire.body, body);

    const auto accepted = server_->accepted_resends();
    ASSERT_EQ(accepted.size(), 1u);
    EXPECT_EQ(accepted[0].domain_id, kDomainId);
    EXPECT_EQ(accepted[0].requested, std::vector<std::string>{"admin@example.com"});
}

TEST_F(Resend, SendsAnEmptyObjectWhenNoOptionalParamIsGiven) {
    RecordingHost host;
    SpecOptions options;
    options.name_scope.reset();
    options.locale.reset();
    options.emails.reset();
    const Execution e = execute(resend_spec(*server_, options), host);
    EXPECT_EQ(status_of(e), "succeeded") << e.raw;
    ASSERT_EQ(server_->requests().size(), 1u);
    EXPECT_EQ(server_->requests()[0].body, "{}");
    EXPECT_EQ(server_->requests()[0].header("Content-Length"), "2");
    EXPECT_FALSE(e.outcome->has("recipients"));
    EXPECT_EQ(e.outcome->getValue<std::string>("msg"), "DCV emails resent for domain 1234567");
}

TEST_F(Resend, DryRunSendsNothingAndShowsTheRequestWithTheKeyRedacted) {
    RecordingHost host;
    SpecOptions options;
    options.dry_run = true;
    const Execution e = execute(resend_spec(*server_, options), host);
    ASSERT_EQ(e.emit_count, 1);
    EXPECT_EQ(e.rc, 0);
    EXPECT_EQ(status_of(e), "planned") << e.raw;
    EXPECT_FALSE(e.outcome->getValue<bool>("changed"));
    EXPECT_FALSE(e.outcome->getValue<bool>("failed"));
    EXPECT_EQ(attempts_of(e), 0);
    EXPECT_TRUE(server_->requests().empty());
    EXPECT_TRUE(contains(e.outcome->getValue<std::string>("msg"), "would resend"));
    const auto request = e.outcome->getObject("request");
    EXPECT_EQ(request->getValue<std::string>("method"), "PUT");
    EXPECT_EQ(request->getValue<std::string>("url"),
              server_->base_url() + "/domain/1234567/dcv/emails");
    EXPECT_EQ(request->getObject("headers")->getValue<std::string>("X-DC-DEVKEY"), "[redacted]");
    EXPECT_EQ(request->getObject("body")->getValue<std::string>("name_scope"), "example.com");
    EXPECT_FALSE(contains(e.raw, kCanaryKey));
}

TEST_F(Resend, DryRunNeedsNoKey) {
    RecordingHost host;
    SpecOptions options;
    options.dry_run = true;
    options.key.reset();
    const Execution e = execute(resend_spec(*server_, options), host);
    EXPECT_EQ(status_of(e), "planned") << e.raw;
    EXPECT_FALSE(e.outcome->getObject("request")->getObject("headers")->has("X-DC-DEVKEY"));
    EXPECT_TRUE(server_->requests().empty());
}

TEST_F(Resend, AnInvalidSpecSendsNothingAndNamesTheField) {
    RecordingHost host;
    SpecOptions options;
    options.locale = "english";
    const Execution e = execute(resend_spec(*server_, options), host);
    EXPECT_NE(e.rc, 0);
    EXPECT_EQ(error_kind_of(e), "invalid_input");
    EXPECT_EQ(e.outcome->getObject("error")->getObject("details")->getValue<std::string>("field"),
              "params.locale");
    EXPECT_EQ(e.outcome->getValue<std::string>("id"), "test-run");
    EXPECT_TRUE(server_->requests().empty());
}

TEST_F(Resend, LogsOneInfoLinePerAttemptWithoutKeyOrHeaders) {
    sandbox::FaultRule rule;
    rule.method = "PUT";
    rule.count = 2;
    rule.status = 503;
    server_->add_fault(rule);
    RecordingHost host;
    const Execution e = execute(resend_spec(*server_), host);
    EXPECT_EQ(status_of(e), "succeeded") << e.raw;
    EXPECT_EQ(attempts_of(e), 3);
    const auto logs = host.logs();
    ASSERT_EQ(logs.size(), 3u);
    const std::string url = server_->base_url() + "/domain/1234567/dcv/emails";
    EXPECT_TRUE(contains(logs[0], "PUT " + url + " -> 503 (attempt 1/3); retrying in")) << logs[0];
    EXPECT_TRUE(contains(logs[1], "-> 503 (attempt 2/3); retrying in")) << logs[1];
    EXPECT_TRUE(contains(logs[2], "-> 204 (attempt 3/3)")) << logs[2];
    for (const std::string& line : logs) {
        EXPECT_FALSE(contains(line, "X-DC-DEVKEY"));
        EXPECT_FALSE(contains(line, kCanaryKey));
    }
}

TEST_F(Resend, AnOther2xxCountsAsSuccessWithAWarning) {
    sandbox::FaultRule rule;
    rule.method = "PUT";
    rule.status = 200;
    rule.body = R"({"ok":true})";
    server_->add_fault(rule);
    RecordingHost host;
    const Execution e = execute(resend_spec(*server_), host);
    EXPECT_EQ(status_of(e), "succeeded") << e.raw;
    EXPECT_EQ(e.outcome->getObject("response")->getValue<int>("http_status"), 200);
    bool warned = false;
    for (const std::string& line : host.logs()) {
        warned = warned || contains(line, "expected 204 No Content from DigiCert, got 200");
    }
    EXPECT_TRUE(warned);
}

TEST_F(Resend, TheCanaryKeyAppearsInNoOutcomeAndNoLogLine) {
    RecordingHost host;
    execute(resend_spec(*server_), host);  // success
    SpecOptions dry;
    dry.dry_run = true;
    execute(resend_spec(*server_, dry), host);
    SpecOptions invalid;
    invalid.name_scope = "*.example.com";
    execute(resend_spec(*server_, invalid), host);
    // A server that echoes the key back in its error body, on every attempt.
    sandbox::FaultRule echo;
    echo.count = -1;
    echo.status = 500;
    echo.body = std::string(R"({"errors":[{"code":"server_error","message":"key )") + kCanaryKey +
                R"( broke us"}]})";
    server_->add_fault(echo);
    const Execution echoed = execute(resend_spec(*server_), host);
    EXPECT_EQ(error_kind_of(echoed), "server");
    echo.body = std::string("<html>") + kCanaryKey + "</html>";
    echo.content_type = "text/html";
    server_->clear_faults();
    server_->add_fault(echo);
    execute(resend_spec(*server_), host);

    const auto emits = host.emits();
    ASSERT_EQ(emits.size(), 5u);
    EXPECT_EQ(records_holding(host, kCanaryKey), 0)
        << "the key leaked into an outcome or a log line";
    EXPECT_FALSE(host.logs().empty());
    EXPECT_TRUE(contains(emits[3], "[redacted]")) << "the echoed key was redacted, not dropped";
}

}  // namespace
