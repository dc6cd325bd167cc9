// GET /metrics (issue 11) with the real digicert_dcv.so behind the daemon, against the DigiCert
// sandbox: the CertCentral requests the plugin reports through host->answered, by route template
// and HTTP status (taskhost_plugin_requests_total, never an id or a key), and the time tasks
// waited for the host pacer (taskhost_pacer_wait_seconds_total, per bucket hash). Debian's
// promtool accepts the body. (The families the test plugins show are daemon_metrics_test.cpp's.)
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <sstream>
#include <string>

#include "daemon_test_support.h"
#include "dcv_sandbox_support.h"
#include "sandbox_server.h"

namespace taskhost {
namespace {

using taskhost_test::has_line;
using taskhost_test::kPromtool;
using taskhost_test::promtool_check;

using taskhost_test::DaemonOptions;
using taskhost_test::DaemonUnderTest;

constexpr const char* kPut = "PUT /domain/{id}/dcv/emails";

// The value of the first sample whose line starts with `prefix`; -1 when there is none.
double sample_value(const std::string& body, const std::string& prefix) {
    std::istringstream lines(body);
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind(prefix, 0) == 0) {
            return std::stod(line.substr(line.rfind(' ') + 1));
        }
    }
    return -1;
}

std::string requests_line(const std::string& route, int status, int count) {
    return R"(taskhost_plugin_requests_total{plugin="digicert_dcv",route=")" + route +
           R"(",status=")" + std::to_string(status) + "\"} " + std::to_string(count);
}

TEST(DaemonDcvMetrics, CountsCertCentralRequestsByRouteAndStatusAndThePacersWait) {
    sandbox::SandboxServer server(
        taskhost_test::sandbox_options({taskhost_test::sandbox_domain(1234567, "example.com")}));
    DaemonUnderTest daemon;
    taskhost_test::install_dcv_plugin(daemon.plugin_dir());
    DaemonOptions options;
    // One request per second on the key: the second task waits for the host pacer.
    options.accounts_json = taskhost_test::sandbox_accounts(
        server, "TASKHOST_TEST_KEY",
        R"("retry": {"max_attempts": 1}, "rate_limits": [{"requests": 1, "per_seconds": 1}])");
    ASSERT_TRUE(daemon.start(options)) << daemon.process().err();

    // The recipient check (GET) then the resend (PUT 204).
    const DaemonAnswer sent = daemon.post_task(
        R"({"task": "digicert.dcv.resend", "params": {"domain_id": 1234567,
            "name_scope": "example.com", "email_array": ["admin@example.com"]}})");
    EXPECT_EQ(sent.http_status, 200) << sent.body;
    // No addresses, so no recipient check: the resend itself meets the 404.
    const DaemonAnswer unknown =
        daemon.post_task(R"({"task": "digicert.dcv.resend", "params": {"domain_id": 7654321}})");
    EXPECT_EQ(unknown.http_status, 422) << unknown.body;

    const DaemonAnswer metrics = daemon.get("/metrics");
    ASSERT_EQ(metrics.http_status, 200) << metrics.body;
    const std::string& body = metrics.body;
    EXPECT_TRUE(has_line(body, requests_line(kPut, 204, 1))) << body;
    EXPECT_TRUE(has_line(body, requests_line(kPut, 404, 1))) << body;
    EXPECT_TRUE(has_line(body, requests_line("GET /domain/{id}/dcv/emails", 200, 1))) << body;
    EXPECT_NE(body.find("# TYPE taskhost_plugin_requests_total counter"), std::string::npos);
    // Routes are templates: no domain id, and never the key, anywhere in the body.
    EXPECT_EQ(body.find("1234567"), std::string::npos) << body;
    EXPECT_EQ(body.find("7654321"), std::string::npos) << body;
    EXPECT_EQ(body.find(taskhost_test::kCanaryKey), std::string::npos);
    // Three requests on one bucket at one per second: the later ones waited for their turns.
    EXPECT_NE(body.find("# TYPE taskhost_pacer_wait_seconds_total counter"), std::string::npos);
    const double waited = sample_value(body, "taskhost_pacer_wait_seconds_total{bucket=\"api_key:");
    EXPECT_GT(waited, 0.5) << body;
    EXPECT_EQ(daemon.stop().exit_code, 0);

    if (::access(kPromtool, X_OK) != 0) {
        GTEST_SKIP() << kPromtool << " is missing (Debian's prometheus package has it): "
                     << "the format was not checked by promtool";
    }
    const auto [code, said] = promtool_check(daemon.root(), body);
    EXPECT_EQ(code, 0) << said << "\n" << body;
}

}  // namespace
}  // namespace taskhost
