// The pacing budget in the ledger (LedgerBudget), shared by two ledgers on one database as by two
// processes: one window counts both's turns, a 429's hold on one holds the other, and a cancelled
// or out-of-time wait ends promptly without taking a turn.
#include <atomic>
#include <thread>

#include "ledger_backend_fixture.h"

namespace taskhost_test {
namespace {

using namespace taskhost;
using std::chrono::milliseconds;
using Turn = SharedBudget::Turn;
using Steady = std::chrono::steady_clock;

milliseconds since(Steady::time_point start) {
    return std::chrono::duration_cast<milliseconds>(Steady::now() - start);
}

class LedgerSharedBudget : public LedgerBackendTest {
  protected:
    void SetUp() override {
        LedgerBackendTest::SetUp();
        ledgers_[0] = open_migrated();
        ledgers_[1] = open_migrated();
        ASSERT_NE(budget(0), nullptr);
        ASSERT_NE(budget(1), nullptr);
    }
    SharedBudget* budget(int i) { return ledgers_[i]->budget(); }

    std::unique_ptr<Ledger> ledgers_[2];
};

TEST_P(LedgerSharedBudget, OneWindowCountsTheTurnsOfBothLedgers) {
    const std::vector<RateWindow> windows{{3, milliseconds(1000)}};
    Steady::time_point granted[8];
    Steady::time_point answered[8];
    for (int i = 0; i < 8; ++i) {
        SharedBudget& budget = *this->budget(i % 2);  // alternately, as two processes would
        uint64_t turn = 0;
        ASSERT_EQ(budget.take("bucket-a", windows, nullptr, std::nullopt, &turn), Turn::kGo) << i;
        granted[i] = Steady::now();
        EXPECT_NE(turn, 0u);
        budget.complete("bucket-a", turn);
        answered[i] = Steady::now();
    }
    // Three turns fit at once; the fourth waits for the first answer to leave the window (and the
    // seventh for the fourth's), whichever ledger took them.
    EXPECT_LT(granted[2] - granted[0], milliseconds(800));
    EXPECT_GE(granted[3] - answered[0], milliseconds(900));
    EXPECT_GE(granted[6] - answered[3], milliseconds(900));
    EXPECT_LT(granted[3] - answered[0], milliseconds(5000));
}

TEST_P(LedgerSharedBudget, AHoldOnOneLedgerHoldsTheOther) {
    const std::vector<RateWindow> windows{{100, milliseconds(1000)}};
    const Steady::time_point start = Steady::now();
    budget(0)->throttled("bucket-b", milliseconds(500));
    uint64_t turn = 0;
    ASSERT_EQ(budget(1)->take("bucket-b", windows, nullptr, std::nullopt, &turn), Turn::kGo);
    EXPECT_GE(since(start), milliseconds(450));
    EXPECT_LT(since(start), milliseconds(5000));
    budget(1)->complete("bucket-b", turn);
    // Another bucket is not held.
    const Steady::time_point other = Steady::now();
    ASSERT_EQ(budget(1)->take("bucket-c", windows, nullptr, std::nullopt, &turn), Turn::kGo);
    EXPECT_LT(since(other), milliseconds(400));
}

TEST_P(LedgerSharedBudget, ACancelledTakeEndsPromptlyWithoutATurn) {
    const std::vector<RateWindow> windows{{1, milliseconds(60000)}};
    const Steady::time_point start = Steady::now();
    uint64_t turn = 0;
    EXPECT_EQ(budget(1)->take(
                  "bucket-d", windows, [] { return true; }, std::nullopt, &turn),
              Turn::kCancelled);
    EXPECT_LT(since(start), milliseconds(500));
    // The cancelled take left the window's one place free: the other ledger takes it now.
    ASSERT_EQ(
        budget(0)->take("bucket-d", windows, nullptr, Steady::now() + milliseconds(300), &turn),
        Turn::kGo);

    // Now the place is pending: a take on the other ledger waits until it is cancelled ...
    std::atomic<bool> cancel{false};
    const Steady::time_point waiting = Steady::now();
    std::thread canceller([&] {
        std::this_thread::sleep_for(milliseconds(150));
        cancel = true;
    });
    uint64_t none = 0;
    const Turn cancelled = budget(1)->take(
        "bucket-d", windows, [&] { return cancel.load(); }, std::nullopt, &none);
    canceller.join();
    EXPECT_EQ(cancelled, Turn::kCancelled);
    EXPECT_GE(since(waiting), milliseconds(140));
    EXPECT_LT(since(waiting), milliseconds(1000));
    // ... or runs out of time.
    const Steady::time_point deadline = Steady::now() + milliseconds(200);
    EXPECT_EQ(budget(1)->take("bucket-d", windows, nullptr, deadline, &none), Turn::kOutOfTime);
    EXPECT_LT(Steady::now() - deadline, milliseconds(800));
    budget(0)->complete("bucket-d", turn);
}

INSTANTIATE_TEST_SUITE_P(Backends, LedgerSharedBudget,
                         testing::Values(LedgerBackend::kSqlite, LedgerBackend::kPostgresql),
                         ledger_backend_name);

}  // namespace
}  // namespace taskhost_test
