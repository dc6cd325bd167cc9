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
        options.accounts_json = taskhost_test::slow_send_accounts(server_);
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

    // Starts the daemon with `daemon_json` and the apply, and stops the daemon (SIGTERM) once
    // the first PUT reached the sandbox: how long it took to leave, and the client's output.
    struct Stopped {
        Clock::duration took{};
        taskhost_test::ProcessResult daemon;
        taskhost_test::ProcessResult client;
    };
    Stopped stop_during_the_first_send(const std::string& daemon_json) {
        Stopped stopped;
        EXPECT_TRUE(start(daemon_json)) << daemon_.process().err();
        auto applied = apply_in_background();
        EXPECT_TRUE(wait_for_puts(1)) << "the first PUT never reached the sandbox";
        const auto signalled = Clock::now();
        stopped.daemon = daemon_.stop();
        stopped.took = Clock::now() - signalled;
        stopped.client = applied.get();
        EXPECT_EQ(stopped.daemon.exit_code, 0) << stopped.daemon.err;
        EXPECT_EQ(stopped.client.out.find(taskhost_test::kCanaryKey), std::string::npos);
        EXPECT_EQ(stopped.client.err.find(taskhost_test::kCanaryKey), std::string::npos);
        return stopped;
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
    server_.add_fault(taskhost_test::every_resend(sandbox::FaultRule::Action::kLatency,
                                                  std::chrono::milliseconds(800)));
    const Stopped stopped = stop_during_the_first_send(R"({"drain_timeout_ms": 20000})");
    // Six tasks of 0.8 s each would take about 5 s; the one under way, under 1 s.
    EXPECT_LT(stopped.took, std::chrono::milliseconds(3500))
        << "the daemon ran the rest of the manifest";

    const auto lines = taskhost_test::by_name(stopped.client.out);
    ASSERT_EQ(lines.size(), static_cast<size_t>(kTasks))
        << stopped.client.out << stopped.client.err;
    EXPECT_EQ(lines.at("d0")->getValue<std::string>("status"), "succeeded") << stopped.client.out;
    for (int i = 1; i < kTasks; ++i) {
        const auto& line = lines.at("d" + std::to_string(i));
        EXPECT_EQ(line->getValue<std::string>("status"), "cancelled") << stopped.client.out;
        EXPECT_NE(line->getValue<std::string>("msg").find("shutting down"), std::string::npos)
            << stopped.client.out;
    }
    EXPECT_EQ(server_.request_count("PUT"), 1u);
    EXPECT_EQ(server_.accepted_resends().size(), 1u);
}

TEST_F(DaemonManifestDrain, PastTheDrainTheTaskUnderWayIsCancelledAndTheDaemonLeaves) {
    server_.add_fault(
        taskhost_test::every_resend(sandbox::FaultRule::Action::kStall, std::chrono::seconds(60)));
    const Stopped stopped = stop_during_the_first_send(R"({"drain_timeout_ms": 200})");
    EXPECT_LT(stopped.took, std::chrono::milliseconds(200 + 3000))
        << "the daemon waited for the stalled send: " << stopped.daemon.err;

    const auto lines = taskhost_test::by_name(stopped.client.out);
    ASSERT_EQ(lines.size(), static_cast<size_t>(kTasks))
        << stopped.client.out << stopped.client.err;
    EXPECT_EQ(lines.at("d0")->getValue<std::string>("status"), "cancelled") << stopped.client.out;
    EXPECT_TRUE(lines.at("d0")->optValue("in_doubt", false)) << stopped.client.out;
    for (int i = 1; i < kTasks; ++i) {
        EXPECT_EQ(lines.at("d" + std::to_string(i))->getValue<std::string>("status"), "cancelled")
            << stopped.client.out;
    }
    EXPECT_EQ(server_.request_count("PUT"), 1u);
}

}  // namespace
}  // namespace taskhost
