// ManifestKill: kill -9 an apply, apply again, and check with the sandbox's record of accepted
// resends that every task was sent, none with a completion record was sent twice, and any
// duplicate is a task the next apply reported as in doubt.
#include <signal.h>

#include <random>
#include <thread>

#include "manifest_apply_fixture.h"

namespace taskhost {
namespace {

using taskhost_test::kCanaryKey;
using taskhost_test::ProcessResult;
using taskhost_test::TaskhostProcess;

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
        // Bounded: an apply that ends before sending that many (it failed) must fail the test,
        // not hang it.
        const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (accepted_.load() < target && accepted_.load() < kTasks) {
            if (std::chrono::steady_clock::now() > give_up) {
                ADD_FAILURE() << "round " << round << ": the apply sent " << accepted_.load()
                              << " of " << target << " within 30 s";
                break;
            }
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
        // What the kill left in doubt: the next apply resends these. An apply that resends
        // one may itself be killed before it prints the line saying so, so the journal, not
        // stdout, is the witness.
        const std::set<std::string> in_doubt = in_doubt_in_journal();
        reported_in_doubt.insert(in_doubt.begin(), in_doubt.end());
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
}  // namespace
}  // namespace taskhost
