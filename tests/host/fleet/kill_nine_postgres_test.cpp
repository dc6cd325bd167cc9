// Fleet.KillNineAgainstPostgres (issue 8): the kill -9 rule on a PostgreSQL ledger, as
// tests/host/manifest/manifest_kill_test.cpp proves it on SQLite. The sandbox kills the apply
// inside the third accepted resend (recorded by DigiCert, the 204 not yet out): the ledger holds
// two completions and one intent. The next apply sends the in-flight task again and reports it
// in doubt, sends the two never sent, and sends no other task twice; a third apply sends nothing.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <cstdio>

#include "fleet_support.h"

namespace taskhost_fleet {
namespace {

using taskhost_test::ProcessResult;
using taskhost_test::TaskhostProcess;

constexpr int64_t kFirstDomain = 8300000;
constexpr int kTasks = 5;

std::string manifest_text() {
    std::string text =
        R"({"version": 1, "defaults": {"account": "sandbox", "resend_interval": "24h"},)"
        "\n \"tasks\": [";
    for (int i = 0; i < kTasks; ++i) {
        text += std::string(i ? ",\n  " : "\n  ") + R"({"name": "d)" + std::to_string(i) +
                R"(", "task": "digicert.dcv.resend", "params": {"domain_id": )" +
                std::to_string(kFirstDomain + i) + R"(, "name_scope": "d)" + std::to_string(i) +
                R"(.example.com"}})";
    }
    return text + "]}\n";
}

TEST(Fleet, KillNineAgainstPostgres) {
    taskhost_test::PostgresDatabase db;
    std::atomic<int> accepted{0};
    std::atomic<TaskhostProcess*> victim{nullptr};
    sandbox::SandboxOptions sandbox_options =
        taskhost_test::sandbox_options(taskhost_test::numbered_domains(kFirstDomain, kTasks));
    sandbox_options.on_resend = [&accepted, &victim](const sandbox::AcceptedResend&) {
        if (++accepted == 3) {
            if (TaskhostProcess* process = victim.load()) {
                process->send_signal(SIGKILL);  // before the 204 leaves: sent, not recorded
            }
        }
    };
    sandbox::SandboxServer server(sandbox_options);
    HostOptions options;
    options.accounts = fleet_accounts(server, false);
    options.ledger = postgres_ledger(db);
    FleetHost host(options);
    const std::string manifest = host.root() + "/m.json";
    taskhost_test::write_file(manifest, manifest_text());
    const ProcessResult migrated = host.run({"ledger", "migrate"});
    ASSERT_EQ(migrated.exit_code, 0) << migrated.out << migrated.err;

    {
        std::unique_ptr<TaskhostProcess> apply =
            host.start({"apply", manifest, "--json", "--concurrency", "1"});
        victim = apply.get();
        const ProcessResult killed = apply->finish(std::chrono::seconds(60));
        victim = nullptr;
        ASSERT_EQ(killed.signal, SIGKILL) << killed.out << killed.err;
        expect_no_canary(killed.out, "the killed apply's stdout");
        expect_no_canary(killed.err, "the killed apply's stderr");
    }
    ASSERT_EQ(accepted.load(), 3);
    // What the kill left in the PostgreSQL ledger: d0 and d1 complete, d2's intent alone.
    EXPECT_EQ(query_names(db,
                          "SELECT name FROM taskhost_journal"
                          " WHERE last_sent_at > 0 AND sending_since = 0"),
              (std::set<std::string>{"d0", "d1"}));
    EXPECT_EQ(query_names(db, "SELECT name FROM taskhost_journal WHERE sending_since > 0"),
              (std::set<std::string>{"d2"}));

    const ProcessResult again = host.run({"apply", manifest, "--json"});
    ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
    const auto tasks = by_name(again.out);
    ASSERT_EQ(tasks.size(), static_cast<size_t>(kTasks)) << again.out;
    EXPECT_TRUE(tasks.at("d2")->getValue<bool>("in_doubt")) << again.out;
    EXPECT_EQ(tasks.at("d2")->getValue<std::string>("reason"), "in_doubt");
    EXPECT_TRUE(tasks.at("d2")->getValue<bool>("changed"));
    for (const char* name : {"d0", "d1"}) {
        EXPECT_FALSE(tasks.at(name)->getValue<bool>("changed")) << name;
        EXPECT_EQ(tasks.at(name)->getValue<std::string>("reason"), "within_interval") << name;
    }
    for (const char* name : {"d3", "d4"}) {
        EXPECT_TRUE(tasks.at(name)->getValue<bool>("changed")) << name;
        EXPECT_EQ(tasks.at(name)->getValue<std::string>("reason"), "never_sent") << name;
        EXPECT_FALSE(tasks.at(name)->getValue<bool>("in_doubt")) << name;
    }
    const Object::Ptr summary = summary_of(again.out);
    ASSERT_TRUE(summary) << again.out;
    EXPECT_EQ(summary->getValue<int>("in_doubt"), 1);
    EXPECT_EQ(summary->getValue<int>("sent"), 3);
    EXPECT_EQ(summary->getValue<int>("unchanged"), 2);

    const auto counts = accepted_per_domain(server);
    std::printf("Fleet.KillNineAgainstPostgres: accepted per domain:");
    for (int i = 0; i < kTasks; ++i) {
        const auto found = counts.find(kFirstDomain + i);
        std::printf(" d%d=%d", i, found == counts.end() ? 0 : found->second);
    }
    std::printf("\n");
    ASSERT_EQ(counts.size(), static_cast<size_t>(kTasks));
    EXPECT_EQ(counts.at(kFirstDomain + 2), 2) << "the in-doubt task is the one sent twice";
    for (int i : {0, 1, 3, 4}) {
        EXPECT_EQ(counts.at(kFirstDomain + i), 1) << "d" << i;
    }

    // The history holds the in-doubt resend as such.
    const ProcessResult history =
        host.run({"history", "--domain", std::to_string(kFirstDomain + 2), "--json"});
    ASSERT_EQ(history.exit_code, 0) << history.err;
    int in_doubt_sends = 0;
    for (const Object::Ptr& line : json_lines(history.out)) {
        const Poco::JSON::Array::Ptr rows = line->getArray("history");
        for (size_t i = 0; rows && i < rows->size(); ++i) {
            const Object::Ptr row = rows->getObject(i);
            if (row->getValue<std::string>("status") == "succeeded") {
                ++in_doubt_sends;
                EXPECT_TRUE(row->getValue<bool>("in_doubt")) << history.out;
                EXPECT_EQ(row->getValue<std::string>("reason"), "in_doubt") << history.out;
                EXPECT_EQ(row->getValue<std::string>("source"), "apply") << history.out;
            }
        }
    }
    EXPECT_EQ(in_doubt_sends, 1) << history.out;

    // Converged: one more apply sends nothing.
    const ProcessResult last = host.run({"apply", manifest, "--json"});
    ASSERT_EQ(last.exit_code, 0) << last.out << last.err;
    EXPECT_EQ(summary_of(last.out)->getValue<int>("sent"), 0) << last.out;
    EXPECT_EQ(server.accepted_resends().size(), static_cast<size_t>(kTasks + 1));
}

}  // namespace
}  // namespace taskhost_fleet
