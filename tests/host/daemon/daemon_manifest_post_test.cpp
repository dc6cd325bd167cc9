// POST /v1/manifests/plan|apply and `taskhost plan|apply --socket` (issue 12: a daemon that takes
// work in bulk): the real digicert_dcv.so behind the daemon, against the DigiCert sandbox. A
// manifest posted once is applied by the daemon with its own ledger (each domain sent once, a
// second apply sends nothing), planned without sending, and refused clearly when the request is
// wrong; the CLI prints and exits as a local apply does.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "daemon_test_support.h"
#include "dcv_sandbox_support.h"
#include "host_test_support.h"
#include "manifest/manifest_run_json.h"
#include "sandbox_server.h"

namespace taskhost {
namespace {

using taskhost_test::DaemonOptions;
using taskhost_test::DaemonUnderTest;

constexpr const char* kManifest = R"({
  "version": 1,
  "defaults": {"account": "sandbox", "resend_interval": "1d",
               "params": {"check_recipients": false}},
  "tasks": [
    {"name": "one", "task": "digicert.dcv.resend", "params": {"domain_id": 1001}},
    {"name": "two", "task": "digicert.dcv.resend", "params": {"domain_id": 1002}},
    {"name": "three", "task": "digicert.dcv.resend", "params": {"domain_id": 1003}}
  ]
})";

class DaemonManifestPost : public ::testing::Test {
  protected:
    void SetUp() override {
        taskhost_test::install_dcv_plugin(daemon_.plugin_dir());
        DaemonOptions options;
        options.accounts_json = taskhost_test::sandbox_accounts(server_, "TASKHOST_TEST_KEY",
                                                                R"("retry": {"max_attempts": 1})");
        options.state_dir = daemon_.root() + "/state";
        ASSERT_TRUE(daemon_.start(options)) << daemon_.process().err();
        manifest_ = daemon_.root() + "/resends.json";
        taskhost_test::write_file(manifest_, kManifest);
    }
    void TearDown() override { EXPECT_EQ(daemon_.stop().exit_code, 0); }

    taskhost_test::ProcessResult cli(const std::string& command,
                                     std::vector<std::string> extra = {}) {
        std::vector<std::string> args{command, manifest_, "--socket", daemon_.socket_path()};
        args.insert(args.end(), extra.begin(), extra.end());
        taskhost_test::ProcessResult result = taskhost_test::run_taskhost(args);
        EXPECT_EQ(result.out.find(taskhost_test::kCanaryKey), std::string::npos);
        EXPECT_EQ(result.err.find(taskhost_test::kCanaryKey), std::string::npos);
        return result;
    }

    sandbox::SandboxServer server_{
        taskhost_test::sandbox_options({taskhost_test::sandbox_domain(1001, "one.example"),
                                        taskhost_test::sandbox_domain(1002, "two.example"),
                                        taskhost_test::sandbox_domain(1003, "three.example")})};
    DaemonUnderTest daemon_;
    std::string manifest_;
};

TEST_F(DaemonManifestPost, ApplyThroughTheSocketSendsEachOnceAndASecondApplyNothing) {
    const auto planned = cli("plan", {"--json"});
    EXPECT_EQ(planned.exit_code, 0) << planned.out << planned.err;
    EXPECT_EQ(taskhost_test::summary_of(planned.out)->getValue<int>("would_send"), 3)
        << planned.out;
    EXPECT_EQ(server_.accepted_resends().size(), 0u);

    const auto first = cli("apply", {"--json", "--detailed-exitcodes"});
    EXPECT_EQ(first.exit_code, 2) << first.out << first.err;  // changed
    const auto lines = taskhost_test::by_name(first.out);
    ASSERT_EQ(lines.size(), 3u) << first.out;
    for (const auto& [name, line] : lines) {
        EXPECT_EQ(line->getValue<std::string>("status"), "succeeded") << name;
        EXPECT_TRUE(line->getValue<bool>("changed")) << name;
        EXPECT_EQ(line->getValue<std::string>("manifest"), "resends.json") << name;
    }
    EXPECT_EQ(taskhost_test::summary_of(first.out)->getValue<int>("sent"), 3);
    EXPECT_EQ(server_.accepted_resends().size(), 3u);

    // The daemon's ledger remembers: nothing is due within the interval.
    const auto second = cli("apply", {"--detailed-exitcodes"});
    EXPECT_EQ(second.exit_code, 0) << second.out << second.err;
    EXPECT_NE(second.out.find("3 unchanged"), std::string::npos) << second.out;
    EXPECT_EQ(server_.accepted_resends().size(), 3u);
    // Audited as the API's.
    const auto history = daemon_.get("/v1/history?limit=10");
    EXPECT_NE(history.body.find("\"source\":\"api\""), std::string::npos) << history.body;
}

// `plan|apply --socket --json` prints each result as the daemon wrote it, without reading it
// into objects first: its lines are the results of the daemon's whole answer to the same plan
// (in the order their tasks ended, so compared sorted).
TEST_F(DaemonManifestPost, JsonLinesAreTheDaemonsResultsByteForByte) {
    ASSERT_EQ(cli("apply").exit_code, 0);  // the ledger now gives each task its times
    const DaemonAnswer raw = daemon_.post("/v1/manifests/plan?name=resends.json", kManifest);
    ASSERT_EQ(raw.http_status, 200) << raw.body;
    const Result<ReportText> whole = split_report_text(raw.body, "the answer");
    ASSERT_TRUE(whole.ok()) << whole.error().text();
    std::vector<std::string> expected(whole.value().results.begin(), whole.value().results.end());
    const auto planned = cli("plan", {"--json"});
    ASSERT_EQ(planned.exit_code, 0) << planned.out << planned.err;
    std::vector<std::string> lines;
    std::istringstream out(planned.out);
    for (std::string line; std::getline(out, line);) {
        lines.push_back(line);
    }
    ASSERT_EQ(lines.size(), 4u) << planned.out;  // three results and the summary
    EXPECT_EQ(lines[3].rfind("{\"summary\":{\"command\":\"plan\"", 0), 0u) << lines[3];
    lines.pop_back();
    std::sort(lines.begin(), lines.end());
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(lines, expected);
    EXPECT_NE(lines[0].find("\"last_sent_at\""), std::string::npos) << lines[0];
}

// With stream=true (what `apply --socket` asks) the answer is application/x-ndjson, chunked: a
// line per result as its task ends, then the summary; each line arrives when its task ends,
// not when the run does. HTTP/1.0 cannot take chunks and gets the whole answer.
TEST_F(DaemonManifestPost, AStreamedAnswerGivesEachResultAsItsTaskEnds) {
    server_.add_fault(taskhost_test::every_resend(sandbox::FaultRule::Action::kLatency,
                                                  std::chrono::milliseconds(400)));
    std::vector<std::pair<std::chrono::steady_clock::time_point, std::string>> lines;
    const Result<DaemonAnswer> answer = daemon_.client().request_lines(
        "POST", "/v1/manifests/apply?name=resends.json&concurrency=1&stream=true", kManifest,
        1 << 20, 1 << 20, [&lines](const std::string& line) -> Check {
            lines.emplace_back(std::chrono::steady_clock::now(), line);
            return std::nullopt;
        });
    ASSERT_TRUE(answer.ok()) << answer.error().text();
    EXPECT_EQ(answer.value().http_status, 200);
    EXPECT_EQ(answer.value().body, "");  // it came in lines
    ASSERT_EQ(lines.size(), 4u);
    for (size_t i = 0; i < 3; ++i) {
        const auto result = taskhost_test::parse_json(lines[i].second);
        EXPECT_EQ(result->getValue<std::string>("status"), "succeeded") << lines[i].second;
    }
    const auto summary = taskhost_test::parse_json(lines[3].second)->getObject("summary");
    EXPECT_EQ(summary->getValue<int>("sent"), 3) << lines[3].second;
    // One task at a time, 400 ms each: each result line came when its task ended.
    EXPECT_GT(lines[1].first - lines[0].first, std::chrono::milliseconds(250));
    EXPECT_GT(lines[2].first - lines[1].first, std::chrono::milliseconds(250));
    EXPECT_EQ(server_.accepted_resends().size(), 3u);

    const std::string old = taskhost_test::raw_exchange(
        daemon_.socket_path(),
        "POST /v1/manifests/plan?name=resends.json&stream=true HTTP/1.0\r\n"
        "Content-Length: " +
            std::to_string(std::string(kManifest).size()) + "\r\n\r\n" + kManifest);
    EXPECT_EQ(old.rfind("HTTP/1.1 200", 0), 0u) << old;
    EXPECT_NE(old.find("Content-Length: "), std::string::npos) << old;
    EXPECT_EQ(old.find("chunked"), std::string::npos) << old;
    EXPECT_NE(old.find("{\"summary\":"), std::string::npos) << old;
}

// A client that leaves in the middle of a streamed answer leaves the run to finish: every task
// is sent and recorded once, and the daemon goes on answering.
TEST_F(DaemonManifestPost, AClientThatLeavesMidStreamLeavesTheRunToFinish) {
    server_.add_fault(taskhost_test::every_resend(sandbox::FaultRule::Action::kLatency,
                                                  std::chrono::milliseconds(200)));
    size_t seen = 0;
    const Result<DaemonAnswer> answer = daemon_.client().request_lines(
        "POST", "/v1/manifests/apply?name=resends.json&concurrency=1&stream=true", kManifest,
        1 << 20, 1 << 20, [&seen](const std::string&) -> Check {
            ++seen;
            return HostError{"the test", "leaves after the first line", ""};
        });
    ASSERT_FALSE(answer.ok());
    EXPECT_EQ(seen, 1u);
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (server_.accepted_resends().size() < 3 && std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_EQ(server_.accepted_resends().size(), 3u);
    EXPECT_EQ(daemon_.get("/v1/health").http_status, 200);
    const auto second = cli("apply", {"--json"});
    EXPECT_EQ(second.exit_code, 0) << second.out << second.err;
    EXPECT_EQ(taskhost_test::summary_of(second.out)->getValue<int>("unchanged"), 3) << second.out;
    EXPECT_EQ(server_.accepted_resends().size(), 3u);
}

// The history names who posted the manifest (its uid and pid, from the unix socket), as for a
// task posted alone, not the daemon that ran it.
TEST_F(DaemonManifestPost, TheHistoryNamesTheClientThatPostedTheManifest) {
    const DaemonAnswer applied = daemon_.post("/v1/manifests/apply?name=resends.json", kManifest);
    ASSERT_EQ(applied.http_status, 200) << applied.body;
    ASSERT_EQ(server_.accepted_resends().size(), 3u);

    const DaemonAnswer history = daemon_.get("/v1/history?limit=10");
    ASSERT_EQ(history.http_status, 200) << history.body;
    const auto records = taskhost_test::parse_json(history.body)->getArray("history");
    ASSERT_TRUE(records) << history.body;
    ASSERT_EQ(records->size(), 3u) << history.body;
    for (size_t i = 0; i < records->size(); ++i) {
        const auto record = records->getObject(static_cast<unsigned>(i));
        EXPECT_EQ(record->getValue<int64_t>("pid"), static_cast<int64_t>(::getpid()))
            << history.body;
        EXPECT_EQ(record->getValue<int64_t>("uid"), static_cast<int64_t>(::getuid()))
            << history.body;
        EXPECT_EQ(record->getValue<std::string>("source"), "api") << history.body;
        const std::string id = record->getValue<std::string>("task_id");
        EXPECT_TRUE(id == "one" || id == "two" || id == "three") << history.body;
    }
}

TEST_F(DaemonManifestPost, WrongRequestsAreRefusedAndNothingIsSent) {
    const auto unknown = daemon_.post("/v1/manifests/apply?color=red", kManifest);
    EXPECT_EQ(unknown.http_status, 400) << unknown.body;
    EXPECT_NE(unknown.body.find("color"), std::string::npos) << unknown.body;
    const auto bad_name = daemon_.post("/v1/manifests/apply?name=../etc/x.json", kManifest);
    EXPECT_EQ(bad_name.http_status, 400) << bad_name.body;
    const auto force_plan = daemon_.post("/v1/manifests/plan?force=true", kManifest);
    EXPECT_EQ(force_plan.http_status, 400) << force_plan.body;
    const auto too_many = daemon_.post("/v1/manifests/apply?concurrency=65", kManifest);
    EXPECT_EQ(too_many.http_status, 400) << too_many.body;
    const auto big = daemon_.post("/v1/manifests/apply", std::string(1024 * 1024 + 10, ' '));
    EXPECT_EQ(big.http_status, 413) << big.body;

    // A manifest that is not JSON is one invalid result, as locally, and exit 1 in the CLI.
    const auto garbled = daemon_.post("/v1/manifests/apply?name=garbled.json", "{\"version\": ");
    EXPECT_EQ(garbled.http_status, 200) << garbled.body;
    const auto body = taskhost_test::parse_json(garbled.body);
    EXPECT_EQ(body->getObject("summary")->getValue<int>("invalid"), 1) << garbled.body;
    EXPECT_EQ(server_.accepted_resends().size(), 0u);

    const auto mixed = cli("apply", {"--state-dir", daemon_.root()});
    EXPECT_EQ(mixed.exit_code, 2) << mixed.out << mixed.err;
    EXPECT_NE(mixed.err.find("does not go with --socket"), std::string::npos) << mixed.err;
    const auto no_daemon = taskhost_test::run_taskhost(
        {"apply", manifest_, "--socket", daemon_.root() + "/nobody.sock"});
    EXPECT_EQ(no_daemon.exit_code, 2) << no_daemon.out << no_daemon.err;
    EXPECT_EQ(server_.accepted_resends().size(), 0u);
}

}  // namespace
}  // namespace taskhost
