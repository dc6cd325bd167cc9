// GET /metrics (issue 11): the Prometheus text format 0.0.4, on the unix socket and, with the
// bearer token like every route there, on the TCP listener. Tasks run through a real daemon
// with test plugins show up by task, source and status, with durations; the reload at start,
// the plugins serving, the build, the pacer's bucket; and Debian's promtool accepts the body.
// Then the registry on its own: label values escaped per the format, series bounded.
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

#include "daemon_test_support.h"
#include "metrics/metric_registry.h"

namespace {

using taskhost_test::has_line;
using taskhost_test::kPromtool;
using taskhost_test::promtool_check;

using taskhost::DaemonAnswer;
using taskhost_test::DaemonOptions;
using taskhost_test::DaemonUnderTest;
using taskhost_test::install_plugin_atomically;
using taskhost_test::parse_json;

std::pair<int, std::string> tcp_get(uint16_t port, const std::string& path,
                                    const std::string& token) {
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    session.setTimeout(Poco::Timespan(10, 0));
    Poco::Net::HTTPRequest request("GET", path, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!token.empty()) {
        request.set("Authorization", "Bearer " + token);
    }
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return {static_cast<int>(response.getStatus()), text};
}

uint16_t free_port() {
    Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
    return probe.address().port();
}

class DaemonMetrics : public ::testing::Test {
  protected:
    void SetUp() override {
        install_plugin_atomically(daemon_.plugin_dir(), "versioned_v1", "versioned.so");
        taskhost_test::install_test_plugin(daemon_.plugin_dir(), "inventory");
        taskhost_test::write_file(daemon_.root() + "/api.token", std::string(kToken) + "\n", 0600);
        DaemonOptions options;
        options.daemon_json = R"({"watch_plugin_dir": false, "tcp": {"port": )" +
                              std::to_string(port_) + R"(, "token_file": "api.token"}})";
        ASSERT_TRUE(daemon_.start(options)) << daemon_.process().err();
    }
    void TearDown() override { EXPECT_EQ(daemon_.stop().exit_code, 0); }

    static constexpr const char* kToken = "TOKEN-metrics-8c2d";
    const uint16_t port_ = free_port();
    DaemonUnderTest daemon_;
};

TEST_F(DaemonMetrics, CountsTasksReloadsPluginsAndPassesPromtool) {
    const std::string versioned = R"({"task": "test.versioned", "params": {"label": "m"}})";
    const DaemonAnswer ok = daemon_.post_task(versioned);
    ASSERT_EQ(ok.http_status, 200) << ok.body;
    ASSERT_EQ(daemon_.post_task(versioned).http_status, 200);
    const DaemonAnswer failed =
        daemon_.post_task(R"({"task": "test.versioned", "params": {"fail": true}})");
    ASSERT_EQ(failed.http_status, 422) << failed.body;
    const DaemonAnswer listed = daemon_.post_task(
        R"({"task": "test.inventory.list", "account": "sandbox", "params": {"count": 1}})");
    ASSERT_EQ(listed.http_status, 200) << listed.body;
    const std::string ok_status = parse_json(ok.body)->getValue<std::string>("status");
    const std::string failed_status = parse_json(failed.body)->getValue<std::string>("status");

    // A task's worker leaves the queue just after its answer is sent: wait for that.
    DaemonAnswer metrics = daemon_.get("/metrics");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!has_line(metrics.body, "taskhost_tasks_in_flight 0") &&
           std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        metrics = daemon_.get("/metrics");
    }
    ASSERT_EQ(metrics.http_status, 200) << metrics.body;
    const std::string& body = metrics.body;
    EXPECT_TRUE(
        has_line(body, R"(taskhost_tasks_total{task="test.versioned",source="api",status=")" +
                           ok_status + "\"} 2"))
        << body;
    EXPECT_TRUE(
        has_line(body, R"(taskhost_tasks_total{task="test.versioned",source="api",status=")" +
                           failed_status + "\"} 1"))
        << body;
    EXPECT_TRUE(has_line(body, R"(taskhost_task_duration_seconds_count{task="test.versioned"} 3)"))
        << body;
    EXPECT_TRUE(has_line(
        body, R"(taskhost_task_duration_seconds_bucket{task="test.versioned",le="+Inf"} 3)"))
        << body;
    EXPECT_TRUE(has_line(body, R"(taskhost_reloads_total{result="ok"} 1)")) << body;
    EXPECT_NE(body.find(R"(taskhost_plugin_info{plugin="versioned",version="1.0.0",generation=")"),
              std::string::npos)
        << body;
    EXPECT_NE(body.find(R"(taskhost_plugin_info{plugin="inventory",version="1.0.0",generation=")"),
              std::string::npos)
        << body;
    EXPECT_NE(body.find("taskhost_build_info{version=\""), std::string::npos) << body;
    EXPECT_TRUE(has_line(body, "taskhost_tasks_in_flight 0")) << body;
    EXPECT_TRUE(has_line(body, "taskhost_task_queue_depth 0")) << body;
    // The inventory listing took one pacing turn; its bucket is named by a hash, never a key.
    EXPECT_NE(body.find("taskhost_pacer_turns_total{bucket=\""), std::string::npos) << body;
    EXPECT_EQ(body.find(taskhost_test::kCanaryKey), std::string::npos);

    if (::access(kPromtool, X_OK) != 0) {
        GTEST_SKIP() << kPromtool << " is missing (Debian's prometheus package has it): "
                     << "the format was not checked by promtool";
    }
    const auto [code, said] = promtool_check(daemon_.root(), body);
    EXPECT_EQ(code, 0) << said << "\n" << body;
}

TEST_F(DaemonMetrics, TcpListenerAsksForTheTokenLikeEveryRoute) {
    EXPECT_EQ(tcp_get(port_, "/metrics", "").first, 401);
    EXPECT_EQ(tcp_get(port_, "/metrics", "wrong-token-of-same-len").first, 401);
    const auto answer = tcp_get(port_, "/metrics", kToken);
    EXPECT_EQ(answer.first, 200);
    EXPECT_NE(answer.second.find("# TYPE taskhost_build_info gauge"), std::string::npos)
        << answer.second;
}

TEST(MetricRegistry, EscapesLabelValuesPerTheTextFormat) {
    taskhost::MetricRegistry registry;
    registry.declare("t_total", "A test counter.", taskhost::MetricType::kCounter);
    registry.add("t_total", {{"task", "a\"b\\c\nd"}}, 2);
    EXPECT_TRUE(has_line(registry.exposition(), R"(t_total{task="a\"b\\c\nd"} 2)"))
        << registry.exposition();
}

TEST(MetricRegistry, BoundsSeriesPerFamilyAndCountsTheDropped) {
    taskhost::MetricRegistry registry;
    registry.declare("t_total", "A test counter.", taskhost::MetricType::kCounter);
    for (size_t i = 0; i < taskhost::kMaxSeriesPerFamily + 5; ++i) {
        registry.add("t_total", {{"task", "t" + std::to_string(i)}});
    }
    EXPECT_EQ(registry.dropped(), 5u);
    EXPECT_EQ(registry.exposition().find("t_total{task=\"t1004\"}"), std::string::npos);
}

TEST(MetricRegistry, WritesCumulativeHistogramBuckets) {
    taskhost::MetricRegistry registry;
    registry.declare("d_seconds", "A test histogram.", taskhost::MetricType::kHistogram, {0.1, 1});
    registry.observe("d_seconds", {}, 0.05);
    registry.observe("d_seconds", {}, 0.5);
    registry.observe("d_seconds", {}, 5);
    const std::string text = registry.exposition();
    EXPECT_TRUE(has_line(text, R"(d_seconds_bucket{le="0.1"} 1)")) << text;
    EXPECT_TRUE(has_line(text, R"(d_seconds_bucket{le="1"} 2)")) << text;
    EXPECT_TRUE(has_line(text, R"(d_seconds_bucket{le="+Inf"} 3)")) << text;
    EXPECT_TRUE(has_line(text, "d_seconds_sum 5.55")) << text;
    EXPECT_TRUE(has_line(text, "d_seconds_count 3")) << text;
}

}  // namespace
