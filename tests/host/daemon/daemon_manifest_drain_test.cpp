// A manifest posted to the daemon (POST /v1/manifests/apply) when the daemon is told to stop:
// like the daemon's own tasks, the task under way gets the drain to finish, nothing new starts
// once the drain has begun (each task not started is answered "cancelled", nothing sent), and
// past the drain the task under way is cancelled through the plugin. The daemon leaves within
// its drain instead of running the rest of the manifest first. The real digicert_dcv.so against
// the DigiCert sandbox, whose PUTs are slowed (or stalled) by a fault rule. The time bounds below
// catch a daemon that runs the manifest to its end; they are not performance assertions.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <string>
#include <thread>

#include "daemon_test_support.h"
#include "dcv_sandbox_support.h"
#include "host_test_support.h"
#include "sandbox_server.h"

namespace taskhost {
namespace {

using taskhost_test::DaemonOptions;
using taskhost_test::DaemonUnderTest;
using Clock = std::chrono::steady_clock;

constexpr int kTasks = 6;

sandbox::FaultRule slow_put(sandbox::FaultRule::Action action, std::chrono::milliseconds delay) {
    sandbox::FaultRule rule;
    rule.method = "PUT";
    rule.path_suffix = "/dcv/emails";
    rule.action = action;
    rule.delay = delay;
    rule.count = -1;
    return rule;
}

std::string manifest_json() {
    std::string tasks;
    for (int i = 0; i < kTasks; ++i) {
        tasks += std::string(i == 0 ? "" : ",") + R"({"name": "d)" + std::to_string(i) +
                 R"(", "task": "digicert.dcv.resend", "params": {"domain_id": )" +
                 std::to_string(2001 + i) + "}}";
    }
    return R"({"version": 1, "defaults": {"account": "sandbox", "resend_interval": "1d",
               "params": {"check_recipients": false}}, "tasks": [)" +
           tasks + "]}";
}

std::vector<sandbox::SandboxDomain> domains() {
    std::vector<sandbox::SandboxDomain> out;
    for (int i = 0; i < kTasks; ++i) {
        out.push_back(
            taskhost_test::sandbox_domain(2001 + i, "d" + std::to_string(i) + ".example"));
    }
    return out;
}

class DaemonManifestDrain : public ::testing::Test {
  protected:
    DaemonManifestDrain() : server_(taskhost_test::sandbox_options(domains())) {
        taskhost_test::install_dcv_plugin(daemon_.plugin_dir());
    }

    bool start(const std::string& daemon_json) {
        DaemonOptions options;
        options.daemon_json = daemon_json;
        options.accounts_json = taskhost_test::sandbox_accounts(
            server_, "TASKHOST_TEST_KEY",
            R"("timeout_ms": 30000, "retry": {"max_attempts": 1, "deadline_ms": 60000})");
        options.state_dir = daemon_.root() + "/state";
        if (!daemon_.start(options)) {
            return false;
        }
        manifest_ = daemon_.root() + "/resends.json";
        taskhost_test::write_file(manifest_, manifest_json());
        return true;
    }

    // `taskhost apply --socket` of the manifest, one task at a time, in the background.
    std::future<taskhost_test::ProcessResult> apply_in_background() {
        return std::async(std::launch::async, [this] {
            return taskhost_test::run_taskhost({"apply", manifest_, "--socket",
                                                daemon_.socket_path(), "--concurrency", "1",
                                                "--json"});
        });
    }

    bool wait_for_puts(size_t count) const {
        const auto until = Clock::now() + std::chrono::seconds(30);
        while (server_.request_count("PUT") < count && Clock::now() < until) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        return server_.request_count("PUT") >= count;
    }

    sandbox::SandboxServer server_;
    DaemonUnderTest daemon_;
    std::string manifest_;
};

TEST_F(DaemonManifestDrain, TheTaskUnderWayFinishesWithinTheDrainAndNothingNewStarts) {
    server_.add_fault(
        slow_put(sandbox::FaultRule::Action::kLatency, std::chrono::milliseconds(800)));
    ASSERT_TRUE(start(R"({"drain_timeout_ms": 20000})")) << daemon_.process().err();
    auto applied = apply_in_background();
    ASSERT_TRUE(wait_for_puts(1)) << "the first PUT never reached the sandbox";

    const auto signalled = Clock::now();
    const taskhost_test::ProcessResult stopped = daemon_.stop();
    const auto took = Clock::now() - signalled;
    EXPECT_EQ(stopped.exit_code, 0) << stopped.err;
    // Six tasks of 0.8 s each would take about 5 s; the one under way, under 1 s.
    EXPECT_LT(took, std::chrono::milliseconds(3500)) << "the daemon ran the rest of the manifest";

    const taskhost_test::ProcessResult client = applied.get();
    const auto lines = taskhost_test::by_name(client.out);
    ASSERT_EQ(lines.size(), static_cast<size_t>(kTasks)) << client.out << client.err;
    EXPECT_EQ(lines.at("d0")->getValue<std::string>("status"), "succeeded") << client.out;
    for (int i = 1; i < kTasks; ++i) {
        const auto& line = lines.at("d" + std::to_string(i));
        EXPECT_EQ(line->getValue<std::string>("status"), "cancelled") << client.out;
        EXPECT_NE(line->getValue<std::string>("msg").find("shutting down"), std::string::npos)
            << client.out;
    }
    EXPECT_EQ(server_.request_count("PUT"), 1u);
    EXPECT_EQ(server_.accepted_resends().size(), 1u);
    EXPECT_EQ(client.out.find(taskhost_test::kCanaryKey), std::string::npos);
    EXPECT_EQ(client.err.find(taskhost_test::kCanaryKey), std::string::npos);
}

TEST_F(DaemonManifestDrain, PastTheDrainTheTaskUnderWayIsCancelledAndTheDaemonLeaves) {
    server_.add_fault(slow_put(sandbox::FaultRule::Action::kStall, std::chrono::seconds(60)));
    ASSERT_TRUE(start(R"({"drain_timeout_ms": 200})")) << daemon_.process().err();
    auto applied = apply_in_background();
    ASSERT_TRUE(wait_for_puts(1)) << "the first PUT never reached the sandbox";

    const auto signalled = Clock::now();
    const taskhost_test::ProcessResult stopped = daemon_.stop();
    const auto took = Clock::now() - signalled;
    EXPECT_EQ(stopped.exit_code, 0) << stopped.err;
    EXPECT_LT(took, std::chrono::milliseconds(200 + 3000))
        << "the daemon waited for the stalled send: " << stopped.err;

    const taskhost_test::ProcessResult client = applied.get();
    const auto lines = taskhost_test::by_name(client.out);
    ASSERT_EQ(lines.size(), static_cast<size_t>(kTasks)) << client.out << client.err;
    EXPECT_EQ(lines.at("d0")->getValue<std::string>("status"), "cancelled") << client.out;
    EXPECT_TRUE(lines.at("d0")->optValue("in_doubt", false)) << client.out;
    for (int i = 1; i < kTasks; ++i) {
        EXPECT_EQ(lines.at("d" + std::to_string(i))->getValue<std::string>("status"), "cancelled")
            << client.out;
    }
    EXPECT_EQ(server_.request_count("PUT"), 1u);
}

}  // namespace
}  // namespace taskhost
