// The daemon's small parts in-process: the config's "daemon" section (strict, with ranges),
// the bounded task queue, and the POST /v1/tasks body parser.
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

#include "config/host_config.h"
#include "daemon/task_queue.h"
#include "tasks/task_submission.h"

namespace taskhost {
namespace {

Result<HostConfig> config_with(const std::string& daemon_json) {
    return parse_host_config("{\"plugin_dir\": \"/p\", \"daemon\": " + daemon_json + "}",
                             "/etc/taskhost/config.json");
}

TEST(DaemonSettings, DefaultsAreTheDocumentedOnes) {
    Result<HostConfig> config = parse_host_config("{}", "/etc/taskhost/config.json");
    ASSERT_TRUE(config.ok()) << config.error().text();
    const DaemonSettings& d = config.value().daemon;
    EXPECT_EQ(d.socket, "/run/taskhost/taskhost.sock");
    EXPECT_FALSE(d.group);
    EXPECT_EQ(d.max_concurrency, 4);
    EXPECT_EQ(d.max_queue, 64);
    EXPECT_EQ(d.drain_timeout_ms, 30000);
    EXPECT_TRUE(d.watch_plugin_dir);
    EXPECT_FALSE(d.tcp) << "the TCP listener is off by default";
}

TEST(DaemonSettings, ReadsEveryFieldWithRelativePathsFromTheConfigDirectory) {
    Result<HostConfig> config = config_with(
        R"({"socket": "run/t.sock", "group": "taskhost", "max_concurrency": 8, "max_queue": 0,
            "drain_timeout_ms": 500, "keep_finished_tasks": 10, "audit_log": "audit.log",
            "watch_plugin_dir": false, "manifests_dir": "manifests",
            "tcp": {"port": 8787, "token_file": "api.token"}})");
    ASSERT_TRUE(config.ok()) << config.error().text();
    const DaemonSettings& d = config.value().daemon;
    EXPECT_EQ(d.socket, "/etc/taskhost/run/t.sock");
    EXPECT_EQ(*d.group, "taskhost");
    EXPECT_EQ(d.max_concurrency, 8);
    EXPECT_EQ(d.max_queue, 0);
    EXPECT_EQ(*d.audit_log, "/etc/taskhost/audit.log");
    EXPECT_FALSE(d.watch_plugin_dir);
    EXPECT_EQ(*d.manifests_dir, "/etc/taskhost/manifests");
    ASSERT_TRUE(d.tcp);
    EXPECT_EQ(d.tcp->port, 8787);
    EXPECT_EQ(d.tcp->token_file, "/etc/taskhost/api.token");
}

TEST(DaemonSettings, RefusesWhatItDoesNotKnowOrCannotUseNamingTheField) {
    const std::vector<std::pair<std::string, std::string>> cases{
        {R"({"sockett": "/x"})", "$.daemon.sockett: is not a known field"},
        {R"({"max_concurrency": 0})", "$.daemon.max_concurrency: 0 is out of range"},
        {R"({"max_queue": "many"})", "$.daemon.max_queue: is a string, expected an integer"},
        {R"({"tcp": {"port": 8787}})", "$.daemon.tcp: needs both \"port\" and \"token_file\""},
        {R"({"tcp": {"port": 70000, "token_file": "t"}})", "$.daemon.tcp.port: 70000 is out"},
        {"{\"socket\": \"/" + std::string(120, 's') + "\"}", "$.daemon.socket: is longer than 107"},
        {R"({"watch_plugin_dir": 1})",
         "$.daemon.watch_plugin_dir: is an integer, expected a boolean"},
        {R"([])", "$.daemon: is an array, expected an object"},
    };
    for (const auto& c : cases) {
        Result<HostConfig> config = config_with(c.first);
        ASSERT_FALSE(config.ok()) << c.first;
        EXPECT_NE(config.error().text().find(c.second), std::string::npos)
            << c.first << " -> " << config.error().text();
        EXPECT_FALSE(config.error().fix.empty());
    }
}

TEST(TaskQueue, TakesOneJobPerWorkerPlusTheQueueAndRefusesMore) {
    std::mutex mutex;
    std::condition_variable released;
    bool go = false;
    int done = 0;
    auto blocked = [&] {
        std::unique_lock<std::mutex> lock(mutex);
        released.wait(lock, [&] { return go; });
        ++done;
    };
    {
        TaskQueue queue(1, 2);
        EXPECT_TRUE(queue.try_submit(blocked));
        EXPECT_TRUE(queue.try_submit(blocked));
        EXPECT_TRUE(queue.try_submit(blocked));
        EXPECT_FALSE(queue.try_submit(blocked)) << "1 running + 2 queued is the bound";
        {
            std::lock_guard<std::mutex> lock(mutex);
            go = true;
        }
        released.notify_all();
        EXPECT_TRUE(queue.wait_idle(std::chrono::steady_clock::now() + std::chrono::seconds(30)));
        EXPECT_TRUE(queue.try_submit(blocked)) << "room again once the jobs ran";
        queue.close();
        EXPECT_FALSE(queue.try_submit(blocked)) << "closed: no new jobs";
    }
    EXPECT_EQ(done, 4);
}

TEST(TaskSubmission, ReadsASpecAndTheCliCommandLine) {
    Result<TaskSubmission> parsed = parse_task_submission(
        R"({"task": "t.x", "params": {"a": 1},
            "command_line": {"arguments": ["b=2"], "account": "prod", "id": "i", "check": true}})");
    ASSERT_TRUE(parsed.ok()) << parsed.error().text();
    EXPECT_EQ(*parsed.value().spec->task, "t.x");
    EXPECT_EQ(parsed.value().command_line.assignments, std::vector<std::string>{"b=2"});
    EXPECT_TRUE(parsed.value().command_line.check);
    EXPECT_EQ(parsed.value().task_hint, "t.x");
    EXPECT_EQ(parsed.value().id_hint, "i");

    Result<TaskSubmission> cli_only =
        parse_task_submission(R"({"command_line": {"task": "t.y", "arguments": []}})");
    ASSERT_TRUE(cli_only.ok());
    EXPECT_FALSE(cli_only.value().spec) << "no spec fields: as `taskhost run` without --spec";
}

TEST(TaskSubmission, RefusesMalformedBodiesNamingTheField) {
    const std::vector<std::pair<std::string, std::string>> cases{
        {R"({"command_line": {"arguments": "a=1"}})", "$.command_line.arguments: is a string"},
        {R"({"command_line": {"arguments": [1]}})", "$.command_line.arguments[0]: is an integer"},
        {R"({"command_line": {"verbose": true}})", "$.command_line.verbose: is not a known field"},
        {R"({"task": "t", "connection": {"api_key": "k"}})", "must not give a connection"},
        {R"({"task": "t", "task": "u"})", "task"},
        {"[1]", "request body"},
    };
    for (const auto& c : cases) {
        Result<TaskSubmission> parsed = parse_task_submission(c.first);
        ASSERT_FALSE(parsed.ok()) << c.first;
        EXPECT_NE(parsed.error().text().find(c.second), std::string::npos)
            << c.first << " -> " << parsed.error().text();
    }
}

}  // namespace
}  // namespace taskhost
