// ManifestApply: the built taskhost running `plan` and `apply` as a real subprocess, with the
// real digicert_dcv.so, against the DigiCert sandbox over real TLS on loopback. The sandbox's
// record of accepted resends is the ground truth for "sent once".
#include <algorithm>
#include <filesystem>
#include <set>

#include "manifest_apply_fixture.h"

namespace taskhost {
namespace {

namespace fs = std::filesystem;
using taskhost_test::kCanaryKey;
using taskhost_test::ProcessResult;

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

// One record per task, whichever command sends it: a manifest task and `taskhost run` with the
// same account, task and params share their journal entry (the same key), both ways round.
TEST_F(ManifestApply, ARunOfAnAppliedTaskAndAnApplyOfARunTaskFindItSent) {
    const std::string m = manifest(manifest_of(2));
    const ProcessResult applied = run({"apply", m, "--json"});
    ASSERT_EQ(applied.exit_code, 0) << applied.out << applied.err;
    // The manifests' interval (24h by default) given to the run too, in its spec.
    const auto run_task = [this](int i) {
        const std::string spec = manifest(
            R"({"task": "digicert.dcv.resend", "account": "sandbox", "resend_interval": "24h",)"
            R"( "params": {"domain_id": )" +
                std::to_string(kFirstDomain + i) + R"(, "name_scope": "d)" + std::to_string(i) +
                R"(.example.com", "locale": "en"}})",
            "run-" + std::to_string(i) + ".json");
        return run({"run", "--spec", spec});
    };
    const ProcessResult after_apply = run_task(0);
    ASSERT_EQ(after_apply.exit_code, 0) << after_apply.out << after_apply.err;
    EXPECT_NE(after_apply.out.find("\"reason\":\"within_interval\""), std::string::npos)
        << after_apply.out;
    EXPECT_EQ(server_->accepted_resends().size(), 2u) << "the run sent what the apply had sent";

    const ProcessResult ran = run_task(5);  // not in the manifest yet
    ASSERT_EQ(ran.exit_code, 0) << ran.out << ran.err;
    EXPECT_EQ(server_->accepted_resends().size(), 3u);
    const ProcessResult again = run({"apply", manifest(manifest_of(6), "m6.json"), "--json"});
    ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
    const auto tasks = by_name(again.out);
    ASSERT_EQ(tasks.count("d5"), 1u) << again.out;
    EXPECT_EQ(tasks.at("d5")->getValue<std::string>("reason"), "within_interval") << again.out;
    EXPECT_EQ(server_->accepted_resends().size(), 6u) << "d2, d3 and d4 only";
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

// A run checks each account's connection once for all its tasks (ConnectionMemo): every task of
// an account whose connection is wrong is refused naming that field, and the tasks of another
// account in the same run are sent with their own.
TEST_F(ManifestApply, EachTaskOfAnAccountWithAWrongConnectionIsRefusedAndTheOthersAreSent) {
    const std::string good = taskhost_test::sandbox_accounts(*server_, "TASKHOST_TEST_KEY", "");
    const std::string wrong = taskhost_test::sandbox_accounts(*server_, "TASKHOST_TEST_KEY",
                                                              R"("timeout_ms": 1)", "wrong");
    host_.write_config(good.substr(0, good.size() - 1) + ", " + wrong.substr(1), "state");
    std::string text = R"({"version": 1, "defaults": {"account": "sandbox"}, "tasks": [)";
    for (int i = 0; i < 6; ++i) {
        text += std::string(i ? ",\n  " : "\n  ") + R"({"name": "d)" + std::to_string(i) +
                R"(", "task": "digicert.dcv.resend", "account": ")" +
                (i % 2 ? "wrong" : "sandbox") + R"(", "params": {"domain_id": )" +
                std::to_string(kFirstDomain + i) + "}}";
    }
    const ProcessResult r = run({"apply", manifest(text + "]}\n"), "--json"});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_EQ(
        accepted_per_domain(),
        (std::map<int64_t, int>{{kFirstDomain, 1}, {kFirstDomain + 2, 1}, {kFirstDomain + 4, 1}}));
    const auto tasks = by_name(r.out);
    ASSERT_EQ(tasks.size(), 6u) << r.out;
    for (const auto& [name, line] : tasks) {
        const bool wrong_account = std::stoi(name.substr(1)) % 2 == 1;
        EXPECT_EQ(line->getValue<std::string>("reason") == "invalid", wrong_account) << name;
        if (wrong_account) {
            EXPECT_NE(line->getValue<std::string>("msg").find("$.accounts.wrong.timeout_ms"),
                      std::string::npos)
                << line->getValue<std::string>("msg");
        }
    }
}

TEST_F(ManifestApply, StrictAppliesNothingWhenAnyTaskIsInvalid) {
    const std::string m = manifest(manifest_of(
        3, R"({"name": "broken", "task": "digicert.dcv.resend", "params": {"domain_idd": 1}})"));
    const ProcessResult r = run({"apply", m, "--strict"});
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_TRUE(server_->requests().empty());
    EXPECT_NE(r.out.find("domain_idd"), std::string::npos) << r.out;
}

// A run this large resolves its tasks on every core (manifest_run.cpp): the refusals are still
// exactly the invalid tasks, each under its own name, and --strict still sends nothing.
TEST_F(ManifestApply, AManifestOfManyTasksRefusesExactlyItsInvalidOnes) {
    const std::set<int> invalid = {17, 150, 299};
    std::string text = R"({"version": 1, "defaults": {"account": "sandbox"}, "tasks": [)";
    for (int i = 0; i < 300; ++i) {
        const std::string id = invalid.count(i) ? "\"5000001\"" : std::to_string(kFirstDomain + i);
        text += std::string(i ? ",\n  " : "\n  ") + R"({"name": "d)" + std::to_string(i) +
                R"(", "task": "digicert.dcv.resend", "params": {"domain_id": )" + id + "}}";
    }
    const std::string m = manifest(text + "]}\n");
    const ProcessResult r = run({"apply", m, "--strict", "--json"});
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_TRUE(server_->requests().empty());
    const auto tasks = by_name(r.out);
    ASSERT_EQ(tasks.size(), 300u) << r.out;
    for (const auto& [name, line] : tasks) {
        const bool bad = invalid.count(std::stoi(name.substr(1))) > 0;
        EXPECT_EQ(line->getValue<std::string>("reason") == "invalid", bad)
            << name << ": " << line->getValue<std::string>("reason");
    }
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
    EXPECT_GE(files, 1u);  // the ledger, and its WAL while a process has it open
    EXPECT_TRUE(fs::exists(host_.root() + "/state/ledger.sqlite"));
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
    sandbox::SandboxOptions options =
        taskhost_test::sandbox_options(taskhost_test::numbered_domains(kFirstDomain, 20));
    options.short_window = sandbox::RateWindow{5, std::chrono::seconds(1)};
    options.long_window = sandbox::RateWindow{0, std::chrono::seconds(1)};
    sandbox::SandboxServer limited(options);
    host_.write_config(
        taskhost_test::sandbox_accounts(
            limited, "TASKHOST_TEST_KEY",
            R"("retry": {"max_attempts": 1}, "rate_limits": [{"requests": 5, "per_seconds": 1}])"),
        "state");
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
