// next_shared_turn: the shared windows' arithmetic, with plain numbers.
#include <gtest/gtest.h>

#include "pacing/shared_budget.h"

namespace taskhost {
namespace {

using std::chrono::milliseconds;

const std::vector<RateWindow> kWindows{{2, milliseconds(1000)}, {3, milliseconds(10000)}};

TEST(NextSharedTurn, RoomNowWaitsForTheOldestAnswerToLeaveAndHoldsWin) {
    SharedWindowState state;
    EXPECT_EQ(next_shared_turn(kWindows, 0, state, 5000), 5000);
    state.answered_ms = {4500, 4900};  // the 2/1 s window is full until 4500 + 1000
    EXPECT_EQ(next_shared_turn(kWindows, 0, state, 5000), 5500);
    EXPECT_EQ(next_shared_turn(kWindows, 50, state, 5000), 5550);  // the margin widens it
    state.answered_ms = {100, 4500, 4900};                         // 3/10 s full until 100 + 10000
    EXPECT_EQ(next_shared_turn(kWindows, 0, state, 5000), 10100);
    state.answered_ms = {};
    state.held_until_ms = 7000;  // a 429's hold
    EXPECT_EQ(next_shared_turn(kWindows, 0, state, 5000), 7000);
}

TEST(NextSharedTurn, PendingTurnsCountAsArrivingNowAndAloneCanFillAWindow) {
    SharedWindowState state;
    state.pending = 1;
    state.answered_ms = {4800};
    EXPECT_EQ(next_shared_turn(kWindows, 0, state, 5000), 5800);
    state.pending = 2;
    EXPECT_EQ(next_shared_turn(kWindows, 0, state, 5000), std::nullopt);
}

}  // namespace
}  // namespace taskhost
