// HostConfig: a strict config whose every error names the file, the JSON path and the fix.
#include <gtest/gtest.h>

#include <cstdlib>

#include "config/host_config.h"
#include "host_test_support.h"

namespace taskhost {
namespace {

using taskhost_test::TempDir;
using taskhost_test::write_file;

const std::string kPath = "/etc/taskhost/config.json";

HostError error_of(const std::string& text) {
    Result<HostConfig> config = parse_host_config(text, kPath);
    EXPECT_FALSE(config.ok()) << "accepted: " << text;
    return config.ok() ? HostError{} : config.error();
}

std::string account(const std::string& fields) {
    return "{\"plugin_dir\": \"/p\", \"accounts\": {\"prod-us\": {" + fields + "}}}";
}

TEST(HostConfig, ReadsTheDocumentedExample) {
    const std::string text = R"({"plugin_dir": "/usr/lib/taskhost/plugins",
     "accounts": {
       "prod-us": {"region": "us", "api_key_file": "/etc/taskhost/keys/prod-us.key"},
       "prod-eu": {"region": "eu", "api_key_env": "DIGICERT_EU_KEY"},
       "sandbox": {"base_url": "https://localhost:8443/services/v2", "api_key_file": "keys/sandbox.key",
                   "ca_file": "ca.pem", "timeout_ms": 15000, "proxy": "http://proxy:3128",
                   "retry": {"max_attempts":5,"initial_delay_ms":500,"max_delay_ms":30000,"deadline_ms":120000}}}})";
    Result<HostConfig> config = parse_host_config(text, kPath);
    ASSERT_TRUE(config.ok()) << config.error().text();
    const HostConfig& c = config.value();
    EXPECT_EQ(c.plugin_dir, "/usr/lib/taskhost/plugins");
    ASSERT_EQ(c.accounts.size(), 3u);
    EXPECT_EQ(c.accounts.at("prod-us").key_source, KeySource::kFile);
    EXPECT_EQ(c.accounts.at("prod-eu").key_env, "DIGICERT_EU_KEY");
    const AccountConfig& sandbox = c.accounts.at("sandbox");
    // Relative paths are taken from the config file's directory.
    EXPECT_EQ(sandbox.key_file, "/etc/taskhost/keys/sandbox.key");
    // Everything that is not the host's is the plugin's connection, kept as written and checked
    // against the plugin's schema when a task names the account (tests/host/tasks).
    EXPECT_EQ(sandbox.connection->size(), 5u);
    EXPECT_EQ(sandbox.connection->getValue<std::string>("ca_file"), "ca.pem");
    EXPECT_EQ(c.accounts.at("prod-us").connection->getValue<std::string>("region"), "us");
    EXPECT_EQ(sandbox.json_path, "$.accounts.sandbox");
    EXPECT_EQ(sandbox.base_dir, "/etc/taskhost");
}

TEST(HostConfig, RefusesAKeyInTheConfigAndSaysWhereKeysGo) {
    const HostError e = error_of(account(R"("region": "us", "api_key": "abc")"));
    EXPECT_EQ(e.where, kPath + ": $.accounts.prod-us.api_key");
    EXPECT_NE(e.fix.find("api_key_env"), std::string::npos);
    EXPECT_NE(e.fix.find("api_key_file"), std::string::npos);
    EXPECT_EQ(e.text().find("abc"), std::string::npos) << "the key must not be echoed";
}

TEST(HostConfig, RefusesUnknownFieldsNamingThePath) {
    EXPECT_EQ(error_of(R"({"plugin_dirs": "/p"})").where, kPath + ": $.plugin_dirs");
    EXPECT_EQ(error_of(account(R"("region": "us", "api_key_env": "K",
                                  "rate_limits": [{"requests": 1, "per_second": 1}])"))
                  .where,
              kPath + ": $.accounts.prod-us.rate_limits[0].per_second");
}

TEST(HostConfig, RefusesWrongTypesNamingThePath) {
    HostError e = error_of(account(R"("region": "us", "api_key_env": 7)"));
    EXPECT_EQ(e.where, kPath + ": $.accounts.prod-us.api_key_env");
    EXPECT_NE(e.problem.find("an integer"), std::string::npos);
    e = error_of(R"({"plugin_dir": 7})");
    EXPECT_EQ(e.where, kPath + ": $.plugin_dir");
    EXPECT_EQ(error_of(R"({"accounts": []})").where, kPath + ": $.accounts");
    EXPECT_EQ(error_of(account(R"("region": "us", "api_key_env": "K",
                                  "rate_limits": [{"requests": 1.5, "per_seconds": 1}])"))
                  .where,
              kPath + ": $.accounts.prod-us.rate_limits[0].requests");
    EXPECT_EQ(error_of(account(R"("region": "us", "api_key_env": "K",
                                  "rate_limits": [{"requests": 0, "per_seconds": 1}])"))
                  .where,
              kPath + ": $.accounts.prod-us.rate_limits[0].requests");
}

TEST(HostConfig, NeedsExactlyOneKeySource) {
    EXPECT_NE(error_of(account(R"("region": "us")")).problem.find("neither \"api_key_env\""),
              std::string::npos);
    EXPECT_NE(error_of(account(R"("region": "us", "api_key_env": "K", "api_key_file": "/k")"))
                  .problem.find("both"),
              std::string::npos);
}

TEST(HostConfig, RefusesBadNames) {
    EXPECT_EQ(error_of(account(R"("region": "us", "api_key_env": "1BAD-NAME")")).where,
              kPath + ": $.accounts.prod-us.api_key_env");
    EXPECT_EQ(error_of(R"({"accounts": {"bad name": {"region": "us", "api_key_env": "K"}}})").where,
              kPath + ": $.accounts[\"bad name\"]");
}

TEST(HostConfig, RefusesADuplicatedKeyInsteadOfKeepingTheLast) {
    const HostError e = error_of(account(R"("region": "us", "api_key_env": "K", "region": "eu")"));
    EXPECT_EQ(e.where, kPath + ": $.accounts.prod-us.region");
    EXPECT_NE(e.problem.find("twice"), std::string::npos);
}

TEST(HostConfig, EnforcesSizeDepthAndCountLimits) {
    const HostError size =
        error_of("{\"plugin_dir\": \"" + std::string(kMaxConfigBytes, 'a') + "\"}");
    EXPECT_NE(size.problem.find("limit"), std::string::npos);

    const HostError depth = error_of(account(
        R"("region": "us", "api_key_env": "K", "retry": {"a": {"b": {"c": {"d": {"e": {}}}}}})"));
    EXPECT_NE(depth.problem.find("deeper than 8"), std::string::npos);
    EXPECT_NE(depth.where.find("$.accounts.prod-us.retry.a.b.c"), std::string::npos) << depth.where;

    std::string many = "{\"accounts\": {";
    for (size_t i = 0; i <= kMaxAccounts; ++i) {
        many += (i ? "," : "") + std::string("\"a") + std::to_string(i) +
                "\": {\"region\": \"us\", \"api_key_env\": \"K\"}";
    }
    many += "}}";
    const HostError count = error_of(many);
    EXPECT_EQ(count.where, kPath + ": $.accounts");
    EXPECT_NE(count.problem.find("1001 accounts"), std::string::npos);
}

TEST(HostConfig, ReportsSyntaxErrorsWithTheFile) {
    const HostError e = error_of("{\"plugin_dir\": ");
    EXPECT_EQ(e.where, kPath);
    EXPECT_NE(e.problem.find("not valid JSON"), std::string::npos);
    EXPECT_EQ(error_of("[]").where, kPath + ": $");
}

TEST(HostConfig, ChoosesFlagThenEnvironmentThenDefault) {
    ::setenv("TASKHOST_CONFIG", "/from/env.json", 1);
    EXPECT_EQ(choose_config_path(std::string("/from/flag.json")), "/from/flag.json");
    EXPECT_EQ(choose_config_path(std::nullopt), "/from/env.json");
    ::setenv("TASKHOST_CONFIG", "", 1);
    EXPECT_EQ(choose_config_path(std::nullopt), kDefaultConfigPath);
    ::unsetenv("TASKHOST_CONFIG");
    EXPECT_EQ(choose_config_path(std::nullopt), kDefaultConfigPath);
}

TEST(HostConfig, MissingFileNamesItAndHowTheConfigIsFound) {
    TempDir dir;
    Result<HostConfig> config = load_host_config(dir / "absent.json");
    ASSERT_FALSE(config.ok());
    EXPECT_NE(config.error().problem.find(dir / "absent.json"), std::string::npos);
    EXPECT_NE(config.error().fix.find("--config"), std::string::npos);
    EXPECT_NE(config.error().fix.find("TASKHOST_CONFIG"), std::string::npos);
}

TEST(HostConfig, LoadsFromAFileAndResolvesPathsAgainstItsDirectory) {
    TempDir dir;
    write_file(
        dir / "c.json",
        R"({"plugin_dir": "plugins", "accounts": {"a": {"region": "eu", "api_key_file": "k/a.key"}}})");
    Result<HostConfig> config = load_host_config(dir / "c.json");
    ASSERT_TRUE(config.ok()) << config.error().text();
    EXPECT_EQ(config.value().plugin_dir, dir / "plugins");
    EXPECT_EQ(config.value().accounts.at("a").key_file, dir / "k/a.key");
}

}  // namespace
}  // namespace taskhost
