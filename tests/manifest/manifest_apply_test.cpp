// ManifestApply: the built taskhost running `plan` and `apply` as a real subprocess, with the
// real digicert_dcv.so, against the DigiCert sandbox over real TLS on loopback. The sandbox's
// record of accepted resends is the ground truth for "sent once".
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "host_test_support.h"
#include "sandbox_server.h"

namespace taskhost {
namespace {

namespace fs = std::filesystem;
using Poco::JSON::Object;
using taskhost_test::kCanaryKey;
using taskhost_test::ProcessResult;
using taskhost_test::TaskhostProcess;

constexpr int64_t kFirstDomain = 5000000;
constexpr int kDomains = 60;

std::vector<Object::Ptr> json_lines(const std::string& out) {
    std::vector<Object::Ptr> lines;
    std::istringstream in(out);
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line[0] == '{') {
            lines.push_back(Poco::JSON::Parser().parse(line).extract<Object::Ptr>());
        }
    }
    return lines;
}

// The task lines of a --json run by name (the summary line has no "name").
std::map<std::string, Object::Ptr> by_name(const std::string& out) {
    std::map<std::string, Object::Ptr> tasks;
    for (const Object::Ptr& line : json_lines(out)) {
        if (line->has("name")) {
            tasks[line->getValue<std::string>("name")] = line;
        }
    }
    return tasks;
}

Object::Ptr summary_of(const std::string& out) {
    for (const Object::Ptr& line : json_lines(out)) {
        if (line->has("summary")) {
            return line->getObject("summary");
        }
    }
    return nullptr;
}

std::string task_json(int i) {
    const int64_t id = kFirstDomain + i;
    return R"({"name": "d)" + std::to_string(i) +
           R"(", "task": "digicert.dcv.resend", "params": {"domain_id": )" + std::to_string(id) +
           R"(, "name_scope": "d)" + std::to_string(i) + R"(.example.com"}})";
}

std::string manifest_of(int count, const std::string& extra_task = "") {
    std::string text =
        R"({"version": 1, "defaults": {"account": "sandbox", "params": {"locale": "en"}},
 "tasks": [)";
    for (int i = 0; i < count; ++i) {
        text += std::string(i ? ",\n  " : "\n  ") + task_json(i);
    }
    if (!extra_task.empty()) {
        text += ",\n  " + extra_task;
    }
    return text + "]}\n";
}

class ManifestApply : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        sandbox::SandboxOptions options;
        for (int i = 0; i < kDomains; ++i) {
            sandbox::SandboxDomain domain;
            domain.id = kFirstDomain + i;
            domain.name = "d" + std::to_string(i) + ".example.com";
            options.domains.push_back(domain);
        }
        options.keys.push_back(sandbox::SandboxKey{kCanaryKey, "manager"});
        options.on_resend = [](const sandbox::AcceptedResend&) {
            const int seen = ++accepted_;
            if (seen == kill_at_.load()) {
                if (TaskhostProcess* victim = victim_.load()) {
                    victim->send_signal(SIGKILL);  // before the 204 leaves: sent, not recorded
                }
            }
        };
        server_ = std::make_unique<sandbox::SandboxServer>(options);
    }
    static void TearDownTestSuite() { server_.reset(); }

    void SetUp() override {
        server_->clear_faults();
        server_->reset_records();
        accepted_ = 0;
        kill_at_ = -1;
        victim_ = nullptr;
        taskhost_test::write_file(host_.plugin_dir() + "/digicert_dcv.so",
                                  taskhost_test::read_file(DIGICERT_DCV_PLUGIN), 0755);
        write_config("");
    }

    void write_config(const std::string& rate_limits) {
        taskhost_test::write_file(
            host_.config_path(),
            R"({"plugin_dir": "plugins", "state_dir": "state", "accounts": {"sandbox": {"base_url": ")" +
                server_->base_url() + R"(", "api_key_env": "TASKHOST_TEST_KEY", "ca_file": ")" +
                server_->ca_file() + R"(", "timeout_ms": 10000, "retry": {"max_attempts": 3})" +
                (rate_limits.empty() ? "" : ", \"rate_limits\": " + rate_limits) + "}}}");
    }

    std::string manifest(const std::string& text, const std::string& name = "m.json") {
        const std::string path = host_.root() + "/" + name;
        taskhost_test::write_file(path, text);
        return path;
    }

    std::vector<std::string> args(std::vector<std::string> words) {
        words.push_back("--config");
        words.push_back(host_.config_path());
        return words;
    }

    ProcessResult run(const std::vector<std::string>& words) {
        ProcessResult result =
            taskhost_test::run_taskhost(args(words), {{"TASKHOST_TEST_KEY", kCanaryKey}});
        EXPECT_EQ(result.out.find(kCanaryKey), std::string::npos) << result.out;
        EXPECT_EQ(result.err.find(kCanaryKey), std::string::npos) << result.err;
        return result;
    }

    std::map<int64_t, int> accepted_per_domain() {
        std::map<int64_t, int> counts;
        for (const sandbox::AcceptedResend& resend : server_->accepted_resends()) {
            ++counts[resend.domain_id];
        }
        return counts;
    }

    // Names of the tasks whose completion the journal holds (last_sent_at, no pending intent).
    std::set<std::string> completed_in_journal() {
        std::set<std::string> names;
        const std::string dir = host_.root() + "/state/journal";
        if (!fs::exists(dir)) {
            return names;
        }
        for (const auto& file : fs::directory_iterator(dir)) {
            if (file.path().filename().string()[0] == '.') {
                continue;
            }
            const Object::Ptr entry = Poco::JSON::Parser()
                                          .parse(taskhost_test::read_file(file.path().string()))
                                          .extract<Object::Ptr>();
            if (entry->has("last_sent_at") && !entry->has("sending_since")) {
                names.insert(entry->getValue<std::string>("name"));
            }
        }
        return names;
    }

    static std::unique_ptr<sandbox::SandboxServer> server_;
    static std::atomic<int> accepted_;
    static std::atomic<int> kill_at_;
    static std::atomic<TaskhostProcess*> victim_;
    taskhost_test::HostFixture host_;
};

std::unique_ptr<sandbox::SandboxServer> ManifestApply::server_;
std::atomic<int> ManifestApply::accepted_{0};
std::atomic<int> ManifestApply::kill_at_{-1};
std::atomic<TaskhostProcess*> ManifestApply::victim_{nullptr};

TEST_F(ManifestApply, ApplyingTwiceSendsEachTaskOnceAndTheSecondRunChangesNothing) {
    const std::string m = manifest(manifest_of(6));
    const ProcessResult first = run({"apply", m, "--json", "--detailed-exitcodes"});
    ASSERT_EQ(first.exit_code, 2) << first.out << first.err;  // 2: changed
    EXPECT_EQ(summary_of(first.out)->getValue<int>("sent"), 6) << first.out;
    EXPECT_EQ(server_->accepted_resends().size(), 6u);
    for (const auto& [name, line] : by_name(first.out)) {
        EXPECT_EQ(line->getValue<std::string>("status"), "succeeded") << name;
        EXPECT_EQ(line->getValue<std::string>("reason"), "never_sent") << name;
    }

    const ProcessResult second = run({"apply", m, "--json", "--detailed-exitcodes"});
    ASSERT_EQ(second.exit_code, 0) << second.out << second.err;  // 0: nothing changed
    EXPECT_EQ(server_->accepted_resends().size(), 6u) << "the second apply sent something";
    const auto tasks = by_name(second.out);
    ASSERT_EQ(tasks.size(), 6u);
    for (const auto& [name, line] : tasks) {
        EXPECT_FALSE(line->getValue<bool>("changed")) << name;
        EXPECT_EQ(line->getValue<std::string>("reason"), "within_interval") << name;
        EXPECT_TRUE(line->has("next_due_at")) << name;
    }
}

TEST_F(ManifestApply, ForceResendsWhatTheJournalCallsDone) {
    const std::string m = manifest(manifest_of(2));
    ASSERT_EQ(run({"apply", m}).exit_code, 0);
    const ProcessResult forced = run({"apply", m, "--force", "--json"});
    ASSERT_EQ(forced.exit_code, 0) << forced.out << forced.err;
    EXPECT_EQ(server_->accepted_resends().size(), 4u);
    EXPECT_EQ(by_name(forced.out).at("d0")->getValue<std::string>("reason"), "forced");
}

TEST_F(ManifestApply, AnInvalidTaskIsNamedAndTheOthersAreApplied) {
    const std::string m = manifest(manifest_of(
        3,
        R"({"name": "broken", "task": "digicert.dcv.resend", "params": {"domain_id": "5000001"}})"));
    const ProcessResult r = run({"apply", m});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_EQ(server_->accepted_resends().size(), 3u);
    EXPECT_NE(r.out.find("invalid   " + m +
                         ": task \"broken\": $.tasks[3].params.domain_id: is a "
                         "string, expected an integer"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("3 sent, 0 unchanged, 1 failed (1 invalid)"), std::string::npos) << r.out;
}

TEST_F(ManifestApply, StrictAppliesNothingWhenAnyTaskIsInvalid) {
    const std::string m = manifest(manifest_of(
        3, R"({"name": "broken", "task": "digicert.dcv.resend", "params": {"domain_idd": 1}})"));
    const ProcessResult r = run({"apply", m, "--strict"});
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_TRUE(server_->requests().empty());
    EXPECT_NE(r.out.find("domain_idd"), std::string::npos) << r.out;
}

TEST_F(ManifestApply, ASyntaxErrorNamesFileLineAndColumnAndOtherFilesStillApply) {
    const std::string dir = host_.root() + "/manifests";
    taskhost_test::make_dir(dir);
    taskhost_test::write_file(dir + "/a.json", manifest_of(2));
    taskhost_test::write_file(dir + "/b.json",
                              "{\"version\": 1,\n \"tasks\": [\n  {\"name\": 'x'}]}");
    const ProcessResult r = run({"apply", dir});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_EQ(server_->accepted_resends().size(), 2u);
    EXPECT_NE(r.out.find(dir + "/b.json:3:12: is not valid JSON: strings use double quotes"),
              std::string::npos)
        << r.out;
}

TEST_F(ManifestApply, PlanSendsNothingAndSaysWhatApplyWouldDo) {
    const std::string m = manifest(manifest_of(3));
    const ProcessResult plan = run({"plan", m, "--json", "--detailed-exitcodes"});
    ASSERT_EQ(plan.exit_code, 2) << plan.out << plan.err;  // something would change
    for (const sandbox::RecordedRequest& request : server_->requests()) {
        EXPECT_NE(request.method, "PUT") << request.target;
    }
    EXPECT_FALSE(fs::exists(host_.root() + "/state/journal")) << "plan wrote state";
    const auto planned = by_name(plan.out);
    ASSERT_EQ(planned.size(), 3u);
    EXPECT_EQ(planned.at("d1")->getValue<std::string>("status"), "planned");
    EXPECT_TRUE(planned.at("d1")->getValue<bool>("changed"));

    ASSERT_EQ(run({"apply", m}).exit_code, 0);
    const ProcessResult after = run({"plan", m, "--json", "--detailed-exitcodes"});
    EXPECT_EQ(after.exit_code, 0) << after.out;
    EXPECT_EQ(by_name(after.out).at("d1")->getValue<std::string>("reason"), "within_interval");
}

TEST_F(ManifestApply, TheKeyAppearsInNoOutputAndNoStateFile) {
    const std::string m = manifest(manifest_of(3));
    ASSERT_EQ(run({"apply", m, "--json", "--verbose"}).exit_code, 0);
    size_t files = 0;
    for (const auto& file : fs::recursive_directory_iterator(host_.root() + "/state")) {
        if (file.is_regular_file()) {
            ++files;
            EXPECT_EQ(taskhost_test::read_file(file.path().string()).find(kCanaryKey),
                      std::string::npos)
                << file.path();
        }
    }
    EXPECT_GE(files, 4u);  // three entries and the lock file
}

TEST_F(ManifestApply, KilledWhileDigiCertAcceptsIsResentOnceAndReportedInDoubt) {
    const std::string m = manifest(manifest_of(5));
    kill_at_ = 3;  // the sandbox kills taskhost inside the third accepted resend
    {
        TaskhostProcess apply(args({"apply", m, "--concurrency", "1"}),
                              {{"TASKHOST_TEST_KEY", kCanaryKey}});
        victim_ = &apply;
        const ProcessResult killed = apply.finish();
        victim_ = nullptr;
        ASSERT_EQ(killed.signal, SIGKILL) << killed.out << killed.err;
    }
    ASSERT_EQ(accepted_.load(), 3);
    EXPECT_EQ(completed_in_journal(), (std::set<std::string>{"d0", "d1"}));

    const ProcessResult again = run({"apply", m, "--json"});
    ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
    const auto tasks = by_name(again.out);
    EXPECT_TRUE(tasks.at("d2")->getValue<bool>("in_doubt"));
    EXPECT_EQ(tasks.at("d2")->getValue<std::string>("reason"), "in_doubt");
    EXPECT_EQ(summary_of(again.out)->getValue<int>("in_doubt"), 1);
    const auto counts = accepted_per_domain();
    EXPECT_EQ(counts.at(kFirstDomain + 2), 2) << "the in-doubt task is the one sent twice";
    for (int i : {0, 1, 3, 4}) {
        EXPECT_EQ(counts.at(kFirstDomain + i), 1) << "d" << i;
    }
}

TEST_F(ManifestApply,
       KillNineAtRandomMomentsThenApplyAgainSendsEveryTaskAndNoneTwiceUnlessInDoubt) {
    const int kTasks = 40;
    const std::string m = manifest(manifest_of(kTasks));
    sandbox::FaultRule slow;
    slow.method = "PUT";
    slow.count = -1;
    slow.action = sandbox::FaultRule::Action::kLatency;
    slow.delay = std::chrono::milliseconds(15);  // keeps several resends in flight at a kill
    server_->add_fault(slow);

    const unsigned seed = std::random_device{}();
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937 random(seed);
    std::set<std::string> reported_in_doubt;
    // name -> how many times DigiCert had accepted it when the journal recorded it complete.
    std::map<std::string, int> completed_at_count;
    for (int round = 0; round < 3; ++round) {
        const int target =
            static_cast<int>(accepted_.load()) + std::uniform_int_distribution<int>(1, 10)(random);
        TaskhostProcess apply(args({"apply", m, "--json", "--concurrency", "4"}),
                              {{"TASKHOST_TEST_KEY", kCanaryKey}});
        while (accepted_.load() < target && accepted_.load() < kTasks) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        std::this_thread::sleep_for(
            std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 20)(random)));
        apply.send_signal(SIGKILL);
        const ProcessResult killed = apply.finish();
        for (const auto& [name, line] : by_name(killed.out)) {
            if (line->getValue<bool>("in_doubt")) {
                reported_in_doubt.insert(name);
            }
        }
        const auto counts = accepted_per_domain();
        for (const std::string& name : completed_in_journal()) {
            const int64_t id = kFirstDomain + std::stoi(name.substr(1));
            completed_at_count.emplace(name, counts.count(id) ? counts.at(id) : 0);
        }
    }
    const ProcessResult final_run = run({"apply", m, "--json"});
    ASSERT_EQ(final_run.exit_code, 0) << final_run.out << final_run.err;
    for (const auto& [name, line] : by_name(final_run.out)) {
        if (line->getValue<bool>("in_doubt")) {
            reported_in_doubt.insert(name);
        }
    }

    const auto counts = accepted_per_domain();
    for (int i = 0; i < kTasks; ++i) {
        const std::string name = "d" + std::to_string(i);
        const int64_t id = kFirstDomain + i;
        ASSERT_TRUE(counts.count(id)) << name << " was never sent";
        if (completed_at_count.count(name)) {
            EXPECT_EQ(counts.at(id), completed_at_count.at(name))
                << name << " was sent again after its completion was recorded";
        }
        if (counts.at(id) > 1) {
            EXPECT_TRUE(reported_in_doubt.count(name))
                << name << " was sent " << counts.at(id) << " times but never reported in doubt";
            EXPECT_LE(counts.at(id), 1 + static_cast<int>(reported_in_doubt.count(name)) * 3);
        }
    }
    // Everything converged: one more apply sends nothing.
    const size_t before = server_->accepted_resends().size();
    ASSERT_EQ(run({"apply", m}).exit_code, 0);
    EXPECT_EQ(server_->accepted_resends().size(), before);
}

TEST_F(ManifestApply, A429HoldsEveryTaskOnTheKeyNotOnlyTheOneThatSawIt) {
    // The third resend is refused with 429 and Retry-After: 1. The plugin reports it through
    // `throttled`; the host pacer then holds all four workers, so the accepted resends show a
    // gap of about a second. Without the shared hold the other workers would go on at once.
    sandbox::FaultRule limited;
    limited.method = "PUT";
    limited.skip = 2;
    limited.count = 1;
    limited.action = sandbox::FaultRule::Action::kStatus;
    limited.status = 429;
    limited.headers["Retry-After"] = "1";
    server_->add_fault(limited);
    const std::string m = manifest(manifest_of(12));
    const ProcessResult r = run({"apply", m, "--concurrency", "4"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    std::vector<sandbox::AcceptedResend> accepted = server_->accepted_resends();
    ASSERT_EQ(accepted.size(), 12u);
    std::sort(accepted.begin(), accepted.end(),
              [](const auto& a, const auto& b) { return a.at < b.at; });
    std::chrono::system_clock::duration widest{0};
    size_t after_gap = 0;
    for (size_t i = 1; i < accepted.size(); ++i) {
        if (accepted[i].at - accepted[i - 1].at > widest) {
            widest = accepted[i].at - accepted[i - 1].at;
            after_gap = accepted.size() - i;
        }
    }
    EXPECT_GE(widest, std::chrono::milliseconds(900));
    // Everything not yet sent at the 429 (more than the one task that saw it) came after.
    EXPECT_GE(after_gap, 4u);
}

TEST_F(ManifestApply, HostPacerKeepsTheWholeApplyUnderTheAccountsLimits) {
    // A sandbox key limited to 5 per second would lock out a client that sent 20 at once.
    sandbox::SandboxOptions options;
    for (int i = 0; i < 20; ++i) {
        sandbox::SandboxDomain domain;
        domain.id = kFirstDomain + i;
        domain.name = "d" + std::to_string(i) + ".example.com";
        options.domains.push_back(domain);
    }
    options.keys.push_back(sandbox::SandboxKey{kCanaryKey, "manager"});
    options.short_window = sandbox::RateWindow{5, std::chrono::seconds(1)};
    options.long_window = sandbox::RateWindow{0, std::chrono::seconds(1)};
    sandbox::SandboxServer limited(options);
    taskhost_test::write_file(
        host_.config_path(),
        R"({"plugin_dir": "plugins", "state_dir": "state", "accounts": {"sandbox": {"base_url": ")" +
            limited.base_url() + R"(", "api_key_env": "TASKHOST_TEST_KEY", "ca_file": ")" +
            limited.ca_file() +
            R"(", "retry": {"max_attempts": 1}, "rate_limits": [{"requests": 5, "per_seconds": 1}]}}})");
    const std::string m = manifest(manifest_of(20));
    const auto started = std::chrono::steady_clock::now();
    const ProcessResult r = run({"apply", m, "--concurrency", "8"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(limited.rate_limited_count(), 0u);
    EXPECT_EQ(limited.accepted_resends().size(), 20u);
    // 20 at 5 per second cannot take less than 3 s: the pacer really held them back.
    EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
}

}  // namespace
}  // namespace taskhost
