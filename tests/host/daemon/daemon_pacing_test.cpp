// The real digicert_dcv.so behind the daemon, against the DigiCert sandbox over real TLS.
// DaemonPacing: the daemon offers its host pacer to every task (host->acquire/throttled), paced
// by the account's rate_limits: concurrent tasks on one key stay under a sandbox that enforces
// the same tight window, so none of them meets a 429.
// DaemonManifests: with daemon.manifests_dir, the daemon plans and applies the manifests there
// and answers the last plan and apply per file on GET /v1/manifests; the watch's requests show
// in GET /metrics.
#include <gtest/gtest.h>

#include <Poco/JSON/Object.h>

#include <future>
#include <memory>
#include <thread>

#include "daemon_test_support.h"
#include "dcv_sandbox_support.h"
#include "sandbox_server.h"

namespace taskhost {
namespace {

using taskhost_test::DaemonOptions;
using taskhost_test::DaemonUnderTest;
using taskhost_test::install_dcv_plugin;
using taskhost_test::parse_json;
using taskhost_test::sandbox_accounts;

// example.com (1234567), pending validation, and the canary key.
sandbox::SandboxOptions one_domain_sandbox() {
    return taskhost_test::sandbox_options({taskhost_test::sandbox_domain(1234567, "example.com")});
}

TEST(DaemonPacing, ConcurrentTasksOnOneKeyShareTheDaemonsPacer) {
    sandbox::SandboxOptions sandbox_options = one_domain_sandbox();
    // Far below DigiCert's 100 per 5 s, so a plugin pacing itself to DigiCert's published
    // windows would run into it at once.
    sandbox_options.short_window = sandbox::RateWindow{2, std::chrono::seconds(1)};
    sandbox_options.long_window = sandbox::RateWindow{0, std::chrono::seconds(1)};
    sandbox::SandboxServer server(sandbox_options);

    DaemonUnderTest daemon;
    install_dcv_plugin(daemon.plugin_dir());
    DaemonOptions options;
    options.daemon_json = R"({"max_concurrency": 4})";
    options.accounts_json = sandbox_accounts(
        server, "TASKHOST_TEST_KEY",
        R"("retry": {"max_attempts": 1}, "rate_limits": [{"requests": 2, "per_seconds": 1}])");
    ASSERT_TRUE(daemon.start(options)) << daemon.process().err();

    constexpr int kTasks = 4;
    std::vector<std::future<DaemonAnswer>> answers;
    for (int i = 0; i < kTasks; ++i) {
        answers.push_back(std::async(std::launch::async, [&daemon] {
            return daemon.post_task(
                R"({"task": "digicert.dcv.resend", "params": {"domain_id": 1234567,
                    "name_scope": "example.com", "email_array": ["admin@example.com"]}})");
        }));
    }
    for (auto& answer : answers) {
        const DaemonAnswer done = answer.get();
        EXPECT_EQ(done.http_status, 200) << done.body;
        EXPECT_EQ(parse_json(done.body)->getValue<std::string>("status"), "succeeded") << done.body;
    }
    EXPECT_EQ(server.rate_limited_count(), 0u) << "a request went out past the shared pacer";
    EXPECT_EQ(server.accepted_resends().size(), static_cast<size_t>(kTasks));
    EXPECT_EQ(daemon.stop().exit_code, 0);
}

TEST(DaemonManifests, AppliesTheManifestsDirectoryAndReportsEachFile) {
    sandbox::SandboxServer server(one_domain_sandbox());

    DaemonUnderTest daemon;
    install_dcv_plugin(daemon.plugin_dir());
    taskhost_test::make_dir(daemon.root() + "/manifests", 0755);
    taskhost_test::write_file(
        daemon.root() + "/manifests/dcv.json",
        R"({"version": 1, "defaults": {"account": "sandbox"}, "tasks": [{"name": "example",
            "task": "digicert.dcv.resend", "params": {"domain_id": 1234567,
            "name_scope": "example.com"}}]})");
    DaemonOptions options;
    options.daemon_json = "{\"manifests_dir\": \"manifests\", \"watch_plugin_dir\": false}";
    options.state_dir = daemon.root() + "/state";
    options.accounts_json = sandbox_accounts(server, "TASKHOST_TEST_KEY");
    ASSERT_TRUE(daemon.start(options)) << daemon.process().err();

    // The first run starts with the daemon; wait for its apply (a sanity bound, ~30 s).
    Poco::JSON::Object::Ptr status;
    for (int i = 0; i < 3000; ++i) {
        const DaemonAnswer answer = daemon.get("/v1/manifests");
        ASSERT_EQ(answer.http_status, 200) << answer.body;
        status = parse_json(answer.body);
        if (status->getValue<uint64_t>("runs") >= 1 && status->getObject("files")->size() == 1 &&
            status->getObject("files")->getObject(daemon.root() + "/manifests/dcv.json") &&
            status->getObject("files")
                ->getObject(daemon.root() + "/manifests/dcv.json")
                ->has("apply")) {
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_TRUE(status->getObject("files")->has(daemon.root() + "/manifests/dcv.json"))
        << taskhost_test::read_file(daemon.root() + "/manifests/dcv.json");
    EXPECT_EQ(server.accepted_resends().size(), 1u) << "the manifest's one resend went out";
    // The watch's requests are counted like an API task's (issue 11's metrics).
    const std::string metrics = daemon.get("/metrics").body;
    EXPECT_NE(metrics.find("taskhost_plugin_requests_total{plugin=\"digicert_dcv\",route=\"PUT "
                           "/domain/{id}/dcv/emails\",status=\"204\"} 1\n"),
              std::string::npos)
        << metrics;
    const taskhost_test::ProcessResult stopped = daemon.stop();
    EXPECT_EQ(stopped.exit_code, 0);
    // The watch's send is audited like an API task, naming its source, account and domain.
    EXPECT_NE(stopped.err.find("\"source\":\"watch\""), std::string::npos) << stopped.err;
    EXPECT_NE(stopped.err.find("\"account\":\"sandbox\""), std::string::npos) << stopped.err;
    // domain_id only, no pre-flight read: the domain is named by its id.
    EXPECT_NE(stopped.err.find("\"subject\":\"1234567\""), std::string::npos) << stopped.err;
}

TEST(DaemonManifests, WithoutAManifestsDirTheRouteSaysHowToTurnItOn) {
    DaemonUnderTest daemon;
    ASSERT_TRUE(daemon.start());
    const DaemonAnswer answer = daemon.get("/v1/manifests");
    EXPECT_EQ(answer.http_status, 404);
    EXPECT_NE(answer.body.find("manifests_dir"), std::string::npos) << answer.body;
    EXPECT_EQ(daemon.stop().exit_code, 0);
}

}  // namespace
}  // namespace taskhost
