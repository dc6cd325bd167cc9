// An account's connection settings, checked against the connection_schema the plugin describes
// (the real digicert_dcv.so and example_echo.so, loaded with dlopen): the host knows nothing of
// DigiCert, and every error still names the config file, the account's field and the fix.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>

#include "config/host_config.h"
#include "host_test_support.h"
#include "plugins/plugin_library.h"
#include "tasks/task_connection.h"
#include "util/bounded_json.h"

namespace taskhost {
namespace {

using taskhost_test::TempDir;

const std::string kPath = "/etc/taskhost/config.json";

std::string account(const std::string& fields) {
    return "{\"plugin_dir\": \"/p\", \"accounts\": {\"prod-us\": {" + fields + "}}}";
}

class TaskConnection : public ::testing::Test {
  protected:
    TaskConnection() { ::chmod(dir_.path().c_str(), 0755); }

    std::shared_ptr<const PluginGeneration> load(const std::string& built) {
        const std::string copy = dir_ / std::filesystem::path(built).filename().string();
        std::filesystem::copy_file(built, copy, std::filesystem::copy_options::overwrite_existing);
        ::chmod(copy.c_str(), 0755);
        Result<std::shared_ptr<const PluginGeneration>> loaded = library_.load(copy);
        EXPECT_TRUE(loaded.ok()) << (loaded.ok() ? "" : loaded.error().text());
        return loaded.ok() ? loaded.value() : nullptr;
    }

    Result<Poco::JSON::Object::Ptr> connection_of(const std::string& config_text,
                                                  const std::string& built = DIGICERT_DCV_PLUGIN,
                                                  const std::string& name = "prod-us") {
        Result<HostConfig> config = parse_host_config(config_text, kPath);
        if (!config.ok()) {
            return config.error();
        }
        const std::shared_ptr<const PluginGeneration> plugin = load(built);
        if (!plugin) {
            return HostError{"test", "plugin did not load", ""};
        }
        return connection_for(config.value().accounts.at(name), *plugin);
    }

    HostError error_of(const std::string& config_text,
                       const std::string& built = DIGICERT_DCV_PLUGIN) {
        Result<Poco::JSON::Object::Ptr> connection = connection_of(config_text, built);
        EXPECT_FALSE(connection.ok()) << "accepted: " << config_text;
        return connection.ok() ? HostError{} : connection.error();
    }

    TempDir dir_;
    PluginLibrary library_;
};

TEST_F(TaskConnection, PassesTheDocumentedExampleThroughAsWrittenWithPathsMadeAbsolute) {
    const std::string text = R"({"plugin_dir": "/usr/lib/taskhost/plugins",
     "accounts": {
       "prod-us": {"region": "us", "api_key_file": "/etc/taskhost/keys/prod-us.key"},
       "sandbox": {"base_url": "https://localhost:8443/services/v2", "api_key_file": "keys/sandbox.key",
                   "ca_file": "ca.pem", "timeout_ms": 15000, "proxy": "http://proxy:3128",
                   "retry": {"max_attempts":5,"initial_delay_ms":500,"max_delay_ms":30000,"deadline_ms":120000},
                   "rate_limits": [{"requests": 10, "per_seconds": 1}]}}})";
    Result<Poco::JSON::Object::Ptr> us = connection_of(text);
    ASSERT_TRUE(us.ok()) << us.error().text();
    EXPECT_EQ(to_json(us.value()), R"({"region":"us"})");
    Result<Poco::JSON::Object::Ptr> sandbox = connection_of(text, DIGICERT_DCV_PLUGIN, "sandbox");
    ASSERT_TRUE(sandbox.ok()) << sandbox.error().text();
    // The host's own fields (key source, rate limits) stay with the host; relative paths are
    // taken from the config file's directory.
    EXPECT_EQ(
        to_json(sandbox.value()),
        R"({"base_url":"https://localhost:8443/services/v2","ca_file":"/etc/taskhost/ca.pem",)"
        R"("proxy":"http://proxy:3128","retry":{"deadline_ms":120000,"initial_delay_ms":500,)"
        R"("max_attempts":5,"max_delay_ms":30000},"timeout_ms":15000})");
}

TEST_F(TaskConnection, RefusesUnknownFieldsNamingThePath) {
    EXPECT_EQ(error_of(account(R"("region": "us", "api_key_env": "K", "regoin": "us")")).where,
              kPath + ": $.accounts.prod-us.regoin");
    EXPECT_EQ(
        error_of(account(R"("region": "us", "api_key_env": "K", "retry": {"attempts": 3})")).where,
        kPath + ": $.accounts.prod-us.retry.attempts");
}

TEST_F(TaskConnection, RefusesWrongTypesAndRangesNamingThePath) {
    HostError e = error_of(account(R"("region": "us", "api_key_env": "K", "timeout_ms": "15000")"));
    EXPECT_EQ(e.where, kPath + ": $.accounts.prod-us.timeout_ms");
    EXPECT_NE(e.problem.find("a string"), std::string::npos);
    EXPECT_NE(e.fix.find("a whole number from 100 to 300000"), std::string::npos) << e.fix;
    EXPECT_EQ(error_of(account(R"("region": "us", "api_key_env": "K", "timeout_ms": 1.5)")).where,
              kPath + ": $.accounts.prod-us.timeout_ms");
    e = error_of(account(R"("region": "us", "api_key_env": "K", "timeout_ms": 0)"));
    EXPECT_EQ(e.where, kPath + ": $.accounts.prod-us.timeout_ms");
    EXPECT_NE(e.problem.find("out of range"), std::string::npos);
}

TEST_F(TaskConnection, NeedsExactlyOneEndpoint) {
    EXPECT_NE(error_of(account(R"("api_key_env": "K")")).problem.find("neither \"region\" nor"),
              std::string::npos);
    EXPECT_NE(error_of(account(R"("region": "us", "base_url": "https://x", "api_key_env": "K")"))
                  .problem.find("both"),
              std::string::npos);
    const HostError region = error_of(account(R"("region": "mars", "api_key_env": "K")"));
    EXPECT_EQ(region.where, kPath + ": $.accounts.prod-us.region");
    EXPECT_NE(region.fix.find("\"us\" or \"eu\""), std::string::npos) << region.fix;
}

TEST_F(TaskConnection, RefusesPlainHttpAndOtherProxies) {
    EXPECT_EQ(
        error_of(
            account(R"("base_url": "http://www.digicert.com/services/v2", "api_key_env": "K")"))
            .where,
        kPath + ": $.accounts.prod-us.base_url");
    EXPECT_EQ(
        error_of(account(R"("region": "us", "api_key_env": "K", "proxy": "socks5://p:1")")).where,
        kPath + ": $.accounts.prod-us.proxy");
}

// The generic proof: a second plugin with another schema gets its own settings checked the same
// way, by the same host code.
TEST_F(TaskConnection, AnotherPluginsSchemaIsCheckedTheSameWay) {
    Result<Poco::JSON::Object::Ptr> echo = connection_of(
        account(R"("endpoint": "queue-1", "greeting": "hi", "spool_file": "spool/out.txt",
                    "api_key_env": "K")"),
        EXAMPLE_ECHO_PLUGIN);
    ASSERT_TRUE(echo.ok()) << echo.error().text();
    EXPECT_EQ(
        to_json(echo.value()),
        R"({"endpoint":"queue-1","greeting":"hi","spool_file":"/etc/taskhost/spool/out.txt"})");
    HostError e = error_of(account(R"("greeting": "hi", "api_key_env": "K")"), EXAMPLE_ECHO_PLUGIN);
    EXPECT_EQ(e.where, kPath + ": $.accounts.prod-us");
    EXPECT_NE(e.problem.find("needs \"endpoint\""), std::string::npos) << e.problem;
    e = error_of(account(R"("endpoint": "q", "greeting": "hey", "api_key_env": "K")"),
                 EXAMPLE_ECHO_PLUGIN);
    EXPECT_EQ(e.where, kPath + ": $.accounts.prod-us.greeting");
    EXPECT_NE(e.fix.find("\"hello\" or \"hi\""), std::string::npos) << e.fix;
    // DigiCert's settings mean nothing to this plugin.
    e = error_of(account(R"("endpoint": "q", "region": "us", "api_key_env": "K")"),
                 EXAMPLE_ECHO_PLUGIN);
    EXPECT_EQ(e.where, kPath + ": $.accounts.prod-us.region");
}

}  // namespace
}  // namespace taskhost
