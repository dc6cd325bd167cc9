// The host knows no plugin's insides: example_echo.so, whose connection settings (endpoint,
// greeting, spool_file) look nothing like DigiCert's, runs through `taskhost run`, the daemon's
// POST /v1/tasks and `taskhost apply` like any plugin. The plugin appends one line per real
// execution to its spool file, so each test counts what really ran.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <sstream>

#include "daemon_test_support.h"
#include "host_test_support.h"

namespace {

using taskhost_test::HostFixture;
using taskhost_test::kCanaryKey;
using taskhost_test::read_file;
using taskhost_test::run_taskhost;
using taskhost_test::write_file;

void install_echo(const std::string& plugin_dir) {
    const std::string target = plugin_dir + "/example_echo.so";
    std::filesystem::copy_file(EXAMPLE_ECHO_PLUGIN, target,
                               std::filesystem::copy_options::overwrite_existing);
    ::chmod(target.c_str(), 0755);
}

size_t lines_in(const std::string& path) {
    if (!std::filesystem::exists(path)) {
        return 0;
    }
    std::istringstream text(read_file(path));
    size_t count = 0;
    for (std::string line; std::getline(text, line);) {
        count += line.empty() ? 0 : 1;
    }
    return count;
}

// An account for example_echo: its own settings, with a relative spool file the host makes
// absolute against the config's directory (the schema says "format": "path").
const std::string kAccounts =
    R"({"echo": {"endpoint": "queue-7", "greeting": "hi", "spool_file": "spool.txt",
                 "api_key_env": "ECHO_KEY"}})";

TEST(SecondPlugin, RunsThroughTaskhostRunWithItsOwnConnectionSettings) {
    HostFixture host;
    install_echo(host.plugin_dir());
    host.write_config(kAccounts);
    const taskhost_test::ProcessResult r = run_taskhost(
        {"run", "example.echo", "message=hello world", "repeat=2", "--config", host.config_path()},
        {{"ECHO_KEY", kCanaryKey}});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find(R"("msg":"hi, hello world x2 via queue-7")"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(R"("spool_file":")" + host.root() + R"(/spool.txt")"), std::string::npos)
        << r.out;
    EXPECT_EQ(lines_in(host.root() + "/spool.txt"), 1u);
    EXPECT_EQ(r.out.find(kCanaryKey), std::string::npos);
    EXPECT_EQ(r.err.find(kCanaryKey), std::string::npos);
}

TEST(SecondPlugin, ItsSchemaRefusesABadAccountBeforeAnythingRuns) {
    HostFixture host;
    install_echo(host.plugin_dir());
    host.write_config(
        R"({"echo": {"greeting": "hey", "endpoint": "q", "api_key_env": "ECHO_KEY"}})");
    const taskhost_test::ProcessResult r =
        run_taskhost({"run", "example.echo", "message=m", "--config", host.config_path()},
                     {{"ECHO_KEY", kCanaryKey}});
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_NE(r.err.find("$.accounts.echo.greeting: \"hey\" is not one of"), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("use \"hello\" or \"hi\""), std::string::npos) << r.err;
}

TEST(SecondPlugin, RunsThroughTheDaemon) {
    taskhost_test::DaemonUnderTest daemon;
    install_echo(daemon.plugin_dir());
    taskhost_test::DaemonOptions options;
    options.accounts_json = kAccounts;
    options.env = {{"ECHO_KEY", kCanaryKey}};
    ASSERT_TRUE(daemon.start(options)) << daemon.process().err();
    const taskhost::DaemonAnswer answer = daemon.post_task(
        R"({"task": "example.echo", "account": "echo", "params": {"message": "via api"}})");
    EXPECT_EQ(answer.http_status, 200) << answer.body;
    EXPECT_NE(answer.body.find(R"("msg":"hi, via api x1 via queue-7")"), std::string::npos)
        << answer.body;
    const taskhost::DaemonAnswer dry = daemon.post_task(
        R"({"task": "example.echo", "account": "echo", "dry_run": true,
            "params": {"message": "planned"}})");
    EXPECT_EQ(dry.http_status, 200) << dry.body;
    EXPECT_NE(dry.body.find(R"("status":"planned")"), std::string::npos) << dry.body;
    EXPECT_EQ(lines_in(daemon.root() + "/spool.txt"), 1u) << "only the real run is spooled";
    const taskhost_test::ProcessResult stopped = daemon.stop();
    EXPECT_EQ(stopped.exit_code, 0) << stopped.err;
}

TEST(SecondPlugin, RunsThroughApplyAndASecondApplySendsNothing) {
    HostFixture host;
    install_echo(host.plugin_dir());
    host.write_config(kAccounts);
    write_file(host.root() + "/m.json",
               R"({"version": 1, "defaults": {"account": "echo", "resend_interval": "1h"},
                   "tasks": [{"name": "one", "task": "example.echo", "params": {"message": "a"}},
                             {"name": "two", "task": "example.echo",
                              "params": {"message": "b", "repeat": 3}}]})");
    const std::vector<std::string> apply = {"apply",       host.root() + "/m.json",
                                            "--config",    host.config_path(),
                                            "--state-dir", host.root() + "/state"};
    const std::map<std::string, std::string> env = {{"ECHO_KEY", kCanaryKey}};
    const taskhost_test::ProcessResult first = run_taskhost(apply, env);
    ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
    EXPECT_NE(first.out.find("2 sent"), std::string::npos) << first.out;
    EXPECT_EQ(lines_in(host.root() + "/spool.txt"), 2u);
    const taskhost_test::ProcessResult second = run_taskhost(apply, env);
    ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
    EXPECT_NE(second.out.find("0 sent, 2 unchanged"), std::string::npos) << second.out;
    EXPECT_EQ(lines_in(host.root() + "/spool.txt"), 2u);
    // A param the plugin's schema does not have is refused by the host before anything runs.
    write_file(host.root() + "/bad.json",
               R"({"version": 1, "defaults": {"account": "echo"},
                   "tasks": [{"name": "x", "task": "example.echo", "params": {"mesage": "a"}}]})");
    const taskhost_test::ProcessResult bad =
        run_taskhost({"apply", host.root() + "/bad.json", "--config", host.config_path(),
                      "--state-dir", host.root() + "/state"},
                     env);
    EXPECT_EQ(bad.exit_code, 1) << bad.out << bad.err;
    EXPECT_NE(bad.out.find("$.tasks[0].params.mesage: is not a param of task example.echo"),
              std::string::npos)
        << bad.out;
    EXPECT_EQ(lines_in(host.root() + "/spool.txt"), 2u);
}

}  // namespace
