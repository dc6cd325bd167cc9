// TaskInvocation: the spec the plugin gets, emit exactly once, and the host's defences against
// a careless plugin (no outcome, two outcomes, not JSON, the key echoed back).
#include <gtest/gtest.h>

#include <sstream>

#include "host_test_support.h"
#include "tasks/outcome.h"
#include "tasks/task_invocation.h"
#include "util/bounded_json.h"

namespace taskhost {
namespace {

using taskhost_test::install_test_plugin;
using taskhost_test::kCanaryKey;
using taskhost_test::TempDir;

class TaskInvocation : public ::testing::Test {
  protected:
    TaskInvocation() {
        ::chmod(dir_.path().c_str(), 0755);
        for (const char* name : {"echo_v1", "no_emit", "double_emit"}) {
            install_test_plugin(dir_.path(), name);
        }
        Result<PluginCatalog> scanned = PluginCatalog::scan(dir_.path(), library_);
        EXPECT_TRUE(scanned.ok());
        catalog_ = std::move(scanned.value());
        account_.name = "sandbox";
        // The account's connection settings as the host passes them through (the test
        // plugins describe no connection schema).
        Result<Poco::JSON::Object::Ptr> connection = parse_json_object(
            R"({"base_url": "https://localhost:8443/services/v2", "ca_file": "/etc/ca.pem",)"
            R"( "timeout_ms": 1500, "retry": {"max_attempts": 3}})",
            JsonLimits{}, "test");
        EXPECT_TRUE(connection.ok());
        account_.connection = connection.value();
    }

    TaskRequest request(const std::string& task, const std::string& behaviour = "") {
        TaskRequest r;
        r.task = task;
        r.id = "id-1";
        r.account = &account_;
        r.params = new Poco::JSON::Object;
        r.connection = account_.connection;
        if (!behaviour.empty()) {
            r.params->set("behaviour", behaviour);
        }
        std::optional<TaskOffer> offer = catalog_.find_task(task);
        EXPECT_TRUE(offer.has_value()) << task;
        if (offer) {
            r.offer = *offer;
        }
        return r;
    }

    TempDir dir_;
    PluginLibrary library_;
    PluginCatalog catalog_;
    AccountConfig account_;
    std::ostringstream log_;
    CancelToken cancel_;
};

TEST_F(TaskInvocation, PluginGetsTaskParamsAndTheAccountsConnectionWithKey) {
    TaskRequest r = request("test.echo");
    r.params->set("count", 3);
    const ApiKey key(kCanaryKey);
    const InvocationResult result = invoke_task(r, &key, log_, cancel_);
    EXPECT_EQ(result.plugin_return, 0);
    EXPECT_EQ(
        result.outcome_json,
        R"({"task":"test.echo","id":"id-1","status":"succeeded","changed":true,"failed":false,)"
        R"("msg":"echoed by echo_v1 1.0.0","params":{"count":3},"dry_run":false,)"
        R"("connection":{"base_url":"https://localhost:8443/services/v2","ca_file":"/etc/ca.pem",)"
        R"("timeout_ms":1500,"retry":{"max_attempts":3},"api_key":"<17 bytes>"}})");
}

// host->answered: offered only with a sink, with or without a pacer; what the plugin passes is
// made safe before the sink sees it (NULL, oversized or non-printable routes and impossible
// statuses become "other").
TEST_F(TaskInvocation, AnswersThePluginReportsReachTheSinkSanitised) {
    std::vector<std::string> seen;
    TaskPacing services;
    services.on_answer = [&seen](const PluginAnswer& answer) {
        seen.push_back(answer.plugin + " " + answer.route + " " + answer.status);
    };
    const InvocationResult result =
        invoke_task(request("test.echo", "answers"), nullptr, log_, cancel_, &services);
    EXPECT_EQ(result.plugin_return, 0) << result.outcome_json;
    EXPECT_EQ(seen, (std::vector<std::string>{"echo_v1 PUT /thing/{id} 204", "echo_v1 other 500",
                                              "echo_v1 other 404", "echo_v1 other 0",
                                              "echo_v1 GET /thing/{id} other"}));

    seen.clear();  // without a sink, answered is NULL and the plugin reports nothing
    const InvocationResult bare =
        invoke_task(request("test.echo", "answers"), nullptr, log_, cancel_);
    EXPECT_EQ(bare.plugin_return, 0) << bare.outcome_json;
    EXPECT_TRUE(seen.empty());
}

TEST_F(TaskInvocation, DryRunWithoutAKeySendsNoApiKey) {
    TaskRequest r = request("test.echo");
    r.dry_run = true;
    const InvocationResult result = invoke_task(r, nullptr, log_, cancel_);
    EXPECT_EQ(result.outcome->getValue<std::string>("status"), "planned");
    EXPECT_EQ(result.outcome_json.find("api_key"), std::string::npos) << result.outcome_json;
}

TEST_F(TaskInvocation, KeyWithQuotesIsEscapedInTheSpec) {
    const ApiKey key("abc\"def\\ghi-0123456789");
    const InvocationResult result = invoke_task(request("test.echo"), &key, log_, cancel_);
    // The echo plugin reports the raw JSON string length of the key: escapes included.
    EXPECT_NE(result.outcome_json.find("\"api_key\":\"<24 bytes>\""), std::string::npos)
        << result.outcome_json;
}

TEST_F(TaskInvocation, PluginThatNeverEmitsGetsAPluginErrorOutcome) {
    const InvocationResult result = invoke_task(request("test.no_emit"), nullptr, log_, cancel_);
    EXPECT_TRUE(outcome_failed(result.outcome));
    const auto error = result.outcome->getObject("error");
    EXPECT_EQ(error->getValue<std::string>("kind"), "plugin");
    EXPECT_NE(error->getValue<std::string>("msg").find("without emitting"), std::string::npos);
    EXPECT_EQ(result.outcome->getValue<std::string>("task"), "test.no_emit");
    EXPECT_EQ(result.outcome->getValue<std::string>("id"), "id-1");
}

TEST_F(TaskInvocation, SecondEmitIsIgnoredAndLoggedAsAPluginBug) {
    const InvocationResult result =
        invoke_task(request("test.double_emit"), nullptr, log_, cancel_);
    EXPECT_FALSE(outcome_failed(result.outcome)) << result.outcome_json;
    EXPECT_EQ(result.outcome->getValue<std::string>("msg"), "echoed by double_emit 1.0.0");
    EXPECT_NE(log_.str().find(
                  "taskhost: [error] plugin double_emit: plugin bug: emit called more than once"),
              std::string::npos)
        << log_.str();
}

TEST_F(TaskInvocation, OutcomeThatIsNotJsonBecomesAPluginError) {
    const InvocationResult result =
        invoke_task(request("test.echo", "garbage"), nullptr, log_, cancel_);
    EXPECT_EQ(result.outcome->getObject("error")->getValue<std::string>("kind"), "plugin");
    EXPECT_NE(result.outcome_json.find("unusable outcome"), std::string::npos);
}

TEST_F(TaskInvocation, KeyEchoedByACarelessPluginIsRedactedInOutcomeAndLog) {
    const ApiKey key(kCanaryKey);
    const InvocationResult result = invoke_task(request("test.echo", "leak"), &key, log_, cancel_);
    EXPECT_EQ(result.outcome_json.find(kCanaryKey), std::string::npos) << result.outcome_json;
    EXPECT_NE(result.outcome_json.find("\"leaked\":\"[redacted]\""), std::string::npos)
        << result.outcome_json;
    EXPECT_EQ(log_.str().find(kCanaryKey), std::string::npos) << log_.str();
    EXPECT_NE(log_.str().find("taskhost: [warn] plugin echo_v1: using key \"[redacted]\""),
              std::string::npos)
        << log_.str();
}

TEST(ScrubSecret, ReplacesRawAndJsonEscapedForms) {
    EXPECT_EQ(scrub_secret("k=ab/c\"d and \"ab\\/c\\\"d\" and ab/c\\\"d", "ab/c\"d"),
              "k=[redacted] and \"[redacted]\" and [redacted]");
    EXPECT_EQ(scrub_secret("nothing", ""), "nothing");
}

}  // namespace
}  // namespace taskhost
