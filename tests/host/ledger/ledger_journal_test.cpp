// The journal on each backend: a claim's intent is durable and seen by another connection (as
// another process would see it), a completed send counts within its interval, a dead caller's
// intent is sent again in doubt, and under contention every identity is sent exactly once, with
// concurrent claims sharing commits.
#include <array>
#include <atomic>
#include <thread>
#include <vector>

#include "ledger/process_identity.h"
#include "ledger/sql_ledger.h"
#include "ledger_backend_fixture.h"

namespace taskhost_test {
namespace {

using namespace taskhost;
using Action = LedgerVerdict::Action;
using std::chrono::hours;
using std::chrono::minutes;

const ResendPolicy kDay{hours(24), false};

Completion sent_completion() {
    Completion completion;
    completion.status = "succeeded";
    completion.sent = true;
    completion.msg = "email sent";
    return completion;
}

using LedgerJournal = LedgerBackendTest;

TEST_P(LedgerJournal, AClaimsIntentIsDurableAndAnotherConnectionSeesItInProgress) {
    const std::unique_ptr<Ledger> first = open_migrated();
    const std::unique_ptr<Ledger> second = open_migrated();
    const TaskIdentity id = test_identity("prod", "a.example");
    const Caller caller = test_caller();

    const Result<LedgerVerdict> claimed = first->claim(id, kDay, caller);
    ASSERT_TRUE(claimed.ok()) << claimed.error().text();
    EXPECT_EQ(claimed.value().action, Action::kSend);
    EXPECT_EQ(claimed.value().reason, "never_sent");
    EXPECT_FALSE(claimed.value().in_doubt);

    // A separate ledger (its own connections): the intent is there, its owner (this process)
    // alive, so nobody else sends it.
    const Result<LedgerVerdict> judged = second->judge(id, kDay);
    ASSERT_TRUE(judged.ok()) << judged.error().text();
    EXPECT_EQ(judged.value().action, Action::kInProgress);
    const Result<LedgerVerdict> other = second->claim(id, kDay, test_caller("task-2"));
    ASSERT_TRUE(other.ok()) << other.error().text();
    EXPECT_EQ(other.value().action, Action::kInProgress);
    EXPECT_EQ(other.value().reason, "in_progress");
    EXPECT_EQ(other.value().sending_owner, caller.owner);
    ASSERT_TRUE(other.value().sending_since.has_value());
    EXPECT_LT(*other.value().sending_since - WallClock::now(), minutes(1));
    EXPECT_LT(WallClock::now() - *other.value().sending_since, minutes(1));
}

TEST_P(LedgerJournal, ACompletedSendCountsWithinItsIntervalUnlessForcedOrNoInterval) {
    const std::unique_ptr<Ledger> first = open_migrated();
    const std::unique_ptr<Ledger> second = open_migrated();
    const TaskIdentity id = test_identity("prod", "b.example");
    const Caller caller = test_caller();
    const Result<LedgerVerdict> claimed = first->claim(id, kDay, caller);
    ASSERT_TRUE(claimed.ok()) << claimed.error().text();
    const Check completed = first->complete(id, claimed.value(), caller, sent_completion());
    ASSERT_FALSE(completed) << completed->text();

    const Result<LedgerVerdict> again = second->claim(id, kDay, caller);
    ASSERT_TRUE(again.ok()) << again.error().text();
    EXPECT_EQ(again.value().action, Action::kWithinInterval);
    EXPECT_EQ(again.value().reason, "within_interval");
    ASSERT_TRUE(again.value().last_sent_at.has_value());
    ASSERT_TRUE(again.value().next_due_at.has_value());
    EXPECT_LT(WallClock::now() - *again.value().last_sent_at, minutes(1));
    EXPECT_LT(*again.value().last_sent_at - WallClock::now(), minutes(1));
    EXPECT_EQ(*again.value().next_due_at, *again.value().last_sent_at + hours(24));

    const Result<LedgerVerdict> forced = second->claim(id, ResendPolicy{hours(24), true}, caller);
    ASSERT_TRUE(forced.ok()) << forced.error().text();
    EXPECT_EQ(forced.value().action, Action::kSend);
    EXPECT_EQ(forced.value().reason, "forced");
    ASSERT_FALSE(second->complete(id, forced.value(), caller, sent_completion()));

    const Result<LedgerVerdict> every = first->claim(id, ResendPolicy{}, caller);
    ASSERT_TRUE(every.ok()) << every.error().text();
    EXPECT_EQ(every.value().action, Action::kSend);
    EXPECT_EQ(every.value().reason, "no_interval");
}

TEST_P(LedgerJournal, ADeadCallersIntentIsSentAgainAndReportedInDoubt) {
    const std::unique_ptr<Ledger> ledger = open_migrated();
    const std::unique_ptr<Ledger> other = open_migrated();
    const TaskIdentity id = test_identity("prod", "c.example");
    Caller dead = test_caller("killed");
    dead.owner = this_host_name() + "/999999999/1";  // no such process on this host
    const Result<LedgerVerdict> first = ledger->claim(id, kDay, dead);
    ASSERT_TRUE(first.ok()) << first.error().text();
    ASSERT_EQ(first.value().action, Action::kSend);

    const Caller caller = test_caller("next");
    const Result<LedgerVerdict> next = other->claim(id, kDay, caller);
    ASSERT_TRUE(next.ok()) << next.error().text();
    EXPECT_EQ(next.value().action, Action::kSend);
    EXPECT_TRUE(next.value().in_doubt);
    EXPECT_EQ(next.value().reason, "in_doubt");
    EXPECT_EQ(next.value().sending_owner, dead.owner);
    // The new intent is this process's: alive, so a third caller leaves it alone.
    const Result<LedgerVerdict> third = ledger->claim(id, kDay, test_caller("third"));
    ASSERT_TRUE(third.ok()) << third.error().text();
    EXPECT_EQ(third.value().action, Action::kInProgress);

    ASSERT_FALSE(other->complete(id, next.value(), caller, sent_completion()));
    const Result<std::vector<HistoryRecord>> history = ledger->history(HistoryQuery{});
    ASSERT_TRUE(history.ok()) << history.error().text();
    ASSERT_FALSE(history.value().empty());
    EXPECT_EQ(history.value().front().status, "succeeded");
    EXPECT_EQ(history.value().front().reason, "in_doubt");
    EXPECT_TRUE(history.value().front().in_doubt);
}

constexpr int kIdentities = 50;
constexpr int kThreads = 16;

struct ClaimCounts {
    std::array<std::atomic<int>, kIdentities> sends{};
    std::atomic<int> in_progress{0};
    std::atomic<int> errors{0};
};

// kThreads threads, alternately on each ledger, each claiming every identity (starting at a
// different one) with a day's interval.
void claim_from_threads(const std::array<std::unique_ptr<Ledger>, 2>& ledgers,
                        const std::vector<TaskIdentity>& ids, ClaimCounts& counts) {
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            Ledger& ledger = *ledgers[t % 2];
            const Caller caller = test_caller("thread-" + std::to_string(t));
            for (int n = 0; n < kIdentities; ++n) {
                const int i = (n + t * 7) % kIdentities;
                const Result<LedgerVerdict> verdict = ledger.claim(ids[i], kDay, caller);
                if (!verdict.ok()) {
                    ++counts.errors;
                } else if (verdict.value().action == Action::kSend) {
                    ++counts.sends[i];
                } else if (verdict.value().action == Action::kInProgress) {
                    ++counts.in_progress;
                }
            }
        });
    }
    for (std::thread& thread : threads) {
        thread.join();
    }
}

TEST_P(LedgerJournal, UnderContentionEveryIdentityIsSentExactlyOnce) {
    const std::array<std::unique_ptr<Ledger>, 2> ledgers{open_migrated(), open_migrated()};
    std::vector<TaskIdentity> ids;
    for (int i = 0; i < kIdentities; ++i) {
        ids.push_back(test_identity("prod", "d" + std::to_string(i) + ".example"));
    }
    // Half the identities have a journal row already (a failed attempt: never sent), so that
    // only the claim's row lock, not the row's creation, keeps two claims apart.
    Completion failed;
    failed.status = "failed";
    for (int i = kIdentities / 2; i < kIdentities; ++i) {
        const Result<LedgerVerdict> tried = ledgers[0]->claim(ids[i], kDay, test_caller());
        ASSERT_TRUE(tried.ok()) << tried.error().text();
        ASSERT_FALSE(ledgers[0]->complete(ids[i], tried.value(), test_caller(), failed));
    }
    ClaimCounts counts;
    claim_from_threads(ledgers, ids, counts);
    EXPECT_EQ(counts.errors.load(), 0);
    for (int i = 0; i < kIdentities; ++i) {
        EXPECT_EQ(counts.sends[i].load(), 1) << ids[i].subject_name;
    }
    const int refusals = kThreads * kIdentities - kIdentities;
    EXPECT_EQ(counts.in_progress.load(), refusals);
    HistoryQuery query;
    query.account = "prod";
    const Result<std::vector<HistoryRecord>> history = ledgers[1]->history(query);
    ASSERT_TRUE(history.ok()) << history.error().text();
    int skipped = 0;
    for (const HistoryRecord& row : history.value()) {
        skipped += row.status == "skipped" && row.reason == "in_progress" ? 1 : 0;
    }
    EXPECT_EQ(skipped, refusals);
}

TEST_P(LedgerJournal, ConcurrentClaimsOnOneLedgerShareCommits) {
    const std::unique_ptr<Ledger> ledger = open_migrated();
    auto* sql = dynamic_cast<SqlLedger*>(ledger.get());
    ASSERT_NE(sql, nullptr);
    std::atomic<int> errors{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            const Caller caller = test_caller("thread-" + std::to_string(t));
            for (int n = 0; n < 8; ++n) {
                const std::string subject = "e" + std::to_string(t) + "-" + std::to_string(n);
                if (!ledger->claim(test_identity("prod", subject), kDay, caller).ok()) {
                    ++errors;
                }
            }
        });
    }
    for (std::thread& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(errors.load(), 0);
    EXPECT_EQ(sql->commits().writes(), static_cast<uint64_t>(kThreads * 8));
    EXPECT_LT(sql->commits().commits(), sql->commits().writes());
}

INSTANTIATE_TEST_SUITE_P(Backends, LedgerJournal,
                         testing::Values(LedgerBackend::kSqlite, LedgerBackend::kPostgresql),
                         ledger_backend_name);

}  // namespace
}  // namespace taskhost_test
