// DaemonPacing: the real digicert_dcv.so behind the daemon, against the DigiCert sandbox over
// real TLS. The daemon offers its host pacer to every task (host->acquire/throttled), paced by
// the account's rate_limits: concurrent tasks on one key stay under a sandbox that enforces the
// same tight window, so none of them meets a 429.
#include <gtest/gtest.h>

#include <future>
#include <memory>

#include "daemon_test_support.h"
#include "sandbox_server.h"

namespace taskhost {
namespace {

using taskhost_test::DaemonOptions;
using taskhost_test::DaemonUnderTest;
using taskhost_test::kCanaryKey;
using taskhost_test::parse_json;

TEST(DaemonPacing, ConcurrentTasksOnOneKeyShareTheDaemonsPacer) {
    sandbox::SandboxOptions sandbox_options;
    sandbox::SandboxDomain domain;
    domain.id = 1234567;
    domain.name = "example.com";
    sandbox_options.domains.push_back(domain);
    sandbox_options.keys.push_back(sandbox::SandboxKey{kCanaryKey, "manager"});
    // Far below DigiCert's 100 per 5 s, so a plugin pacing itself to DigiCert's published
    // windows would run into it at once.
    sandbox_options.short_window = sandbox::RateWindow{2, std::chrono::seconds(1)};
    sandbox_options.long_window = sandbox::RateWindow{0, std::chrono::seconds(1)};
    sandbox::SandboxServer server(sandbox_options);

    DaemonUnderTest daemon;
    taskhost_test::write_file(daemon.plugin_dir() + "/digicert_dcv.so",
                              taskhost_test::read_file(DIGICERT_DCV_PLUGIN), 0755);
    DaemonOptions options;
    options.daemon_json = R"({"max_concurrency": 4})";
    options.accounts_json = R"({"sandbox": {"base_url": ")" + server.base_url() +
                            R"(", "ca_file": ")" + server.ca_file() +
                            R"(", "api_key_env": "TASKHOST_TEST_KEY", "retry": {"max_attempts": 1},
                                 "rate_limits": [{"requests": 2, "per_seconds": 1}]}})";
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

}  // namespace
}  // namespace taskhost
