// The daemon's log (issue 11): text lines with an RFC 3339 UTC time (milliseconds) and a level,
// or with --log-format json one {ts, level, msg, job?} object per line; every line of a task,
// its plugin's log lines too, names the task's job; --log-level (or daemon.log_level) drops
// what is below it. The key never appears (DaemonUnderTest::stop checks the whole log).
#include <chrono>
#include <regex>
#include <sstream>
#include <thread>

#include "daemon_test_support.h"

namespace {

using taskhost::DaemonAnswer;
using taskhost_test::DaemonOptions;
using taskhost_test::DaemonUnderTest;
using taskhost_test::install_plugin_atomically;
using taskhost_test::parse_json;

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    return lines;
}

// Runs a task that logs through the plugin (sleep_ms makes versioned log), without waiting;
// its job id once it has ended.
std::string run_logging_task(DaemonUnderTest& daemon) {
    const DaemonAnswer posted = daemon.post_task(
        R"({"task": "test.versioned", "params": {"sleep_ms": 10, "label": "log"}})", "?wait=false");
    EXPECT_EQ(posted.http_status, 202) << posted.body;
    const std::string job = parse_json(posted.body)->getValue<std::string>("id");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
        const auto status = parse_json(daemon.get("/v1/tasks/" + job).body);
        if (status->has("outcome") && !status->isNull("outcome")) {
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return job;
}

TEST(DaemonLog, TextLinesHaveTimeAndLevelAndTaskLinesTheirJob) {
    DaemonUnderTest daemon;
    install_plugin_atomically(daemon.plugin_dir(), "versioned_v1", "versioned.so");
    ASSERT_TRUE(daemon.start()) << daemon.process().err();
    const std::string job = run_logging_task(daemon);
    const std::string err = daemon.stop().err;

    const std::regex shape(
        R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (debug|info |warn |error) taskhost: .*)");
    int plugin_lines = 0;
    for (const std::string& line : lines_of(err)) {
        EXPECT_TRUE(std::regex_match(line, shape)) << line;
        if (line.find("plugin versioned") != std::string::npos) {
            ++plugin_lines;
            EXPECT_NE(line.find(" [job=" + job + "]"), std::string::npos) << line;
        }
    }
    EXPECT_GT(plugin_lines, 0) << err;
    EXPECT_NE(err.find(" info  taskhost: serving on "), std::string::npos) << err;
}

TEST(DaemonLog, JsonFormatWritesOneObjectPerLineWithTheJob) {
    DaemonUnderTest daemon;
    install_plugin_atomically(daemon.plugin_dir(), "versioned_v1", "versioned.so");
    daemon.write_config(R"({"watch_plugin_dir": false})");
    taskhost_test::TaskhostProcess process(
        {"serve", "--config", daemon.config_path(), "--log-format", "json"},
        {{"TASKHOST_TEST_KEY", taskhost_test::kCanaryKey}});
    ASSERT_TRUE(process.wait_for_stderr("; ready", std::chrono::seconds(30))) << process.err();
    const DaemonAnswer posted = daemon.post_task(
        R"({"task": "test.versioned", "params": {"sleep_ms": 10, "label": "log"}})");
    ASSERT_EQ(posted.http_status, 200) << posted.body;
    process.send_signal(SIGTERM);
    const taskhost_test::ProcessResult result = process.finish();
    EXPECT_EQ(result.exit_code, 0) << result.err;

    const std::regex ts(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");
    int plugin_lines = 0;
    for (const std::string& line : lines_of(result.err)) {
        Poco::JSON::Object::Ptr object;
        ASSERT_NO_THROW(object = parse_json(line)) << line;
        EXPECT_TRUE(std::regex_match(object->getValue<std::string>("ts"), ts)) << line;
        EXPECT_TRUE(object->has("level") && object->has("msg")) << line;
        if (object->getValue<std::string>("msg").find("plugin versioned") != std::string::npos) {
            ++plugin_lines;
            EXPECT_FALSE(object->getValue<std::string>("job").empty()) << line;
        }
    }
    EXPECT_GT(plugin_lines, 0) << result.err;
    EXPECT_EQ(result.err.find(taskhost_test::kCanaryKey), std::string::npos);
}

TEST(DaemonLog, LevelFromTheConfigDropsWhatIsBelowIt) {
    DaemonUnderTest daemon;
    install_plugin_atomically(daemon.plugin_dir(), "versioned_v1", "versioned.so");
    daemon.write_config(R"({"watch_plugin_dir": false, "log_level": "warn"})");
    taskhost_test::TaskhostProcess process({"serve", "--config", daemon.config_path()}, {});
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    bool up = false;
    while (!up && std::chrono::steady_clock::now() < deadline) {
        up = daemon.client().request("GET", "/v1/health").ok();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ASSERT_TRUE(up) << process.err();
    process.send_signal(SIGTERM);
    const taskhost_test::ProcessResult result = process.finish();
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.err.find(" info "), std::string::npos) << result.err;
    EXPECT_EQ(result.err.find("ready"), std::string::npos) << result.err;
}

TEST(DaemonLog, UnknownLogFlagValuesAreRefused) {
    const taskhost_test::ProcessResult format =
        taskhost_test::run_taskhost({"serve", "--log-format", "xml"});
    EXPECT_EQ(format.exit_code, 2) << format.err;
    EXPECT_NE(format.err.find("--log-format"), std::string::npos) << format.err;
    const taskhost_test::ProcessResult level =
        taskhost_test::run_taskhost({"serve", "--log-level=loud"});
    EXPECT_EQ(level.exit_code, 2) << level.err;
}

}  // namespace
