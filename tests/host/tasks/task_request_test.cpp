// UserSpec and TaskRequest: a user's spec never carries a key; command line and spec agree.
#include <gtest/gtest.h>

#include "host_test_support.h"
#include "tasks/task_request.h"
#include "tasks/user_spec.h"
#include "util/bounded_json.h"

namespace taskhost {
namespace {

using taskhost_test::install_test_plugin;
using taskhost_test::TempDir;

HostError spec_error(const std::string& text) {
    Result<UserSpec> spec = parse_user_spec(text, "s.json");
    EXPECT_FALSE(spec.ok()) << text;
    return spec.ok() ? HostError{} : spec.error();
}

TEST(UserSpec, ReadsTaskIdDryRunAccountAndParams) {
    Result<UserSpec> spec = parse_user_spec(
        R"({"task": "test.echo", "id": "run-1", "dry_run": true, "account": "a", "params": {"count": 3}})",
        "s.json");
    ASSERT_TRUE(spec.ok()) << spec.error().text();
    EXPECT_EQ(spec.value().task.value_or(""), "test.echo");
    EXPECT_EQ(spec.value().id.value_or(""), "run-1");
    EXPECT_TRUE(spec.value().dry_run.value_or(false));
    EXPECT_EQ(spec.value().account.value_or(""), "a");
    EXPECT_EQ(to_json(spec.value().params), R"({"count":3})");
}

TEST(UserSpec, RefusesAnApiKeyAnywhere) {
    HostError e = spec_error(R"({"task": "t", "api_key": "CANARY-KEY-7f3a9c"})");
    EXPECT_EQ(e.where, "spec s.json: $.api_key");
    EXPECT_NE(e.fix.find("account"), std::string::npos);
    EXPECT_EQ(e.text().find("CANARY"), std::string::npos);
    EXPECT_EQ(spec_error(R"({"task": "t", "params": {"nested": [{"apiKey": "x"}]}})").where,
              "spec s.json: $.params.nested[0].apiKey");
}

TEST(UserSpec, RefusesAConnection) {
    const HostError e = spec_error(R"({"task": "t", "connection": {"base_url": "https://evil"}})");
    EXPECT_EQ(e.where, "spec s.json: $.connection");
    EXPECT_NE(e.fix.find("account"), std::string::npos);
}

TEST(UserSpec, RefusesUnknownFieldsWrongTypesAndOversize) {
    EXPECT_EQ(spec_error(R"({"task": "t", "parms": {}})").where, "spec s.json: $.parms");
    EXPECT_EQ(spec_error(R"({"task": "t", "dry_run": "yes"})").where, "spec s.json: $.dry_run");
    EXPECT_EQ(spec_error(R"({"task": "t", "params": []})").where, "spec s.json: $.params");
    EXPECT_NE(spec_error(std::string(kMaxUserSpecBytes + 1, ' ')).problem.find("limit"),
              std::string::npos);
}

class TaskRequestTest : public ::testing::Test {
  protected:
    TaskRequestTest() {
        ::chmod(dir_.path().c_str(), 0755);
        install_test_plugin(dir_.path(), "echo_v1");
        Result<PluginCatalog> scanned = PluginCatalog::scan(dir_.path(), library_);
        EXPECT_TRUE(scanned.ok());
        catalog_ = std::move(scanned.value());
        AccountConfig a;
        a.name = "a";
        a.connection = new Poco::JSON::Object;
        a.connection->set("base_url", "https://a.example/services/v2");
        config_.accounts["a"] = a;
        config_.path = "/c.json";
    }
    TempDir dir_;
    PluginLibrary library_;
    PluginCatalog catalog_;
    HostConfig config_;
};

TEST_F(TaskRequestTest, MergesCommandLineAndSpecAndUsesTheOnlyAccount) {
    CommandLineTask cli;
    cli.task = "test.echo";
    cli.assignments = {"count=2"};
    cli.check = true;
    Result<UserSpec> spec = parse_user_spec(R"({"id": "x1", "params": {"label": "hi"}})", "s");
    ASSERT_TRUE(spec.ok());
    Result<TaskRequest> request = make_task_request(cli, spec.value(), catalog_, config_);
    ASSERT_TRUE(request.ok()) << request.error().text();
    EXPECT_EQ(request.value().task, "test.echo");
    EXPECT_EQ(request.value().id, "x1");
    EXPECT_TRUE(request.value().dry_run);
    EXPECT_EQ(request.value().account->name, "a");
    EXPECT_EQ(to_json(request.value().params), R"({"count":2,"label":"hi"})");
}

TEST_F(TaskRequestTest, ParamInBothPlacesIsAnError) {
    CommandLineTask cli;
    cli.task = "test.echo";
    cli.assignments = {"count=2"};
    Result<UserSpec> spec = parse_user_spec(R"({"params": {"count": 3}})", "s");
    Result<TaskRequest> request = make_task_request(cli, spec.value(), catalog_, config_);
    ASSERT_FALSE(request.ok());
    EXPECT_EQ(request.error().where, "param count");
}

TEST_F(TaskRequestTest, DisagreeingAccountsOrTasksAreAnError) {
    CommandLineTask cli;
    cli.task = "test.echo";
    cli.account = "a";
    Result<UserSpec> spec = parse_user_spec(R"({"account": "b"})", "s");
    Result<TaskRequest> request = make_task_request(cli, spec.value(), catalog_, config_);
    ASSERT_FALSE(request.ok());
    EXPECT_EQ(request.error().where, "--account");
}

TEST_F(TaskRequestTest, UnknownTaskOrAccountIsNamedWithTheChoices) {
    CommandLineTask cli;
    cli.task = "test.nope";
    Result<TaskRequest> task = make_task_request(cli, std::nullopt, catalog_, config_);
    ASSERT_FALSE(task.ok());
    EXPECT_NE(task.error().problem.find("offered: test.echo"), std::string::npos)
        << task.error().text();
    cli.task = "test.echo";
    cli.account = "zz";
    Result<TaskRequest> account = make_task_request(cli, std::nullopt, catalog_, config_);
    ASSERT_FALSE(account.ok());
    EXPECT_NE(account.error().fix.find("one of: a"), std::string::npos);
}

TEST_F(TaskRequestTest, SeveralAccountsNeedAChoice) {
    config_.accounts["b"] = config_.accounts["a"];
    CommandLineTask cli;
    cli.task = "test.echo";
    Result<TaskRequest> request = make_task_request(cli, std::nullopt, catalog_, config_);
    ASSERT_FALSE(request.ok());
    EXPECT_EQ(request.error().where, "--account");
    EXPECT_NE(request.error().fix.find("a, b"), std::string::npos);
}

}  // namespace
}  // namespace taskhost
