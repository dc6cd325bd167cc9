// POST /v1/manifests/plan|apply and `taskhost plan|apply --socket` (issue 12: a daemon that takes
// work in bulk): the real digicert_dcv.so behind the daemon, against the DigiCert sandbox. A
// manifest posted once is applied by the daemon with its own ledger (each domain sent once, a
// second apply sends nothing), planned without sending, and refused clearly when the request is
// wrong; the CLI prints and exits as a local apply does.
#include <gtest/gtest.h>

#include <unistd.h>

#include <sstream>
#include <string>
#include <vector>

#include "daemon_test_support.h"
#include "dcv_sandbox_support.h"
#include "host_test_support.h"
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
// into objects first: its lines, joined, are the results of the daemon's own answer.
TEST_F(DaemonManifestPost, JsonLinesAreTheDaemonsResultsByteForByte) {
    ASSERT_EQ(cli("apply").exit_code, 0);  // the ledger now gives each task its times
    const DaemonAnswer raw = daemon_.post("/v1/manifests/plan?name=resends.json", kManifest);
    ASSERT_EQ(raw.http_status, 200) << raw.body;
    const auto planned = cli("plan", {"--json"});
    ASSERT_EQ(planned.exit_code, 0) << planned.out << planned.err;
    std::vector<std::string> lines;
    std::istringstream out(planned.out);
    for (std::string line; std::getline(out, line);) {
        lines.push_back(line);
    }
    ASSERT_EQ(lines.size(), 4u) << planned.out;  // three results and the summary
    EXPECT_EQ(lines[3].rfind("{\"summary\":{\"command\":\"plan\"", 0), 0u) << lines[3];
    const std::string results = "\"results\":[" + lines[0] + "," + lines[1] + "," + lines[2] + "]}";
    const std::string body = raw.body.substr(0, raw.body.find_last_not_of('\n') + 1);
    ASSERT_GE(body.size(), results.size());
    EXPECT_EQ(body.substr(body.size() - results.size()), results) << raw.body;
    EXPECT_NE(lines[0].find("\"last_sent_at\""), std::string::npos) << lines[0];
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
