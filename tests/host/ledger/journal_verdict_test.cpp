// The journal's verdict rules, as a pure function: never sent, within interval, passed, forced,
// no interval, in doubt (a dead owner) and in progress (a live one).
#include <gtest/gtest.h>

#include "ledger/journal_verdict.h"
#include "ledger/process_identity.h"

namespace taskhost {
namespace {

using std::chrono::hours;

JournalEntry sent_at(WallClock::time_point at) {
    JournalEntry entry;
    entry.last_sent_at = at;
    return entry;
}

TEST(JournalVerdictRules, NeverSentWithinIntervalPassedForcedAndNoInterval) {
    const WallClock::time_point now = WallClock::now();
    const ResendPolicy day{hours(24), false};
    EXPECT_EQ(judge_entry(std::nullopt, day, now, owner_alive).reason, "never_sent");
    const LedgerVerdict within = judge_entry(sent_at(now - hours(1)), day, now, owner_alive);
    EXPECT_EQ(within.action, LedgerVerdict::Action::kWithinInterval);
    EXPECT_EQ(within.reason, "within_interval");
    ASSERT_TRUE(within.next_due_at.has_value());
    EXPECT_EQ(*within.next_due_at, now - hours(1) + hours(24));
    EXPECT_EQ(judge_entry(sent_at(now - hours(25)), day, now, owner_alive).reason,
              "interval_passed");
    EXPECT_EQ(judge_entry(sent_at(now - hours(1)), ResendPolicy{hours(24), true}, now, owner_alive)
                  .reason,
              "forced");
    const LedgerVerdict none =
        judge_entry(sent_at(now - hours(1)), ResendPolicy{}, now, owner_alive);
    EXPECT_EQ(none.action, LedgerVerdict::Action::kSend);
    EXPECT_EQ(none.reason, "no_interval");
}

TEST(JournalVerdictRules, AnIntentOfALiveProcessIsInProgressAndOfADeadOneInDoubt) {
    const WallClock::time_point now = WallClock::now();
    JournalEntry entry = sent_at(now - hours(48));
    entry.sending_since = now - std::chrono::seconds(2);
    entry.sending_owner = this_process_owner();  // this test: alive
    entry.lease_until = now + hours(1);
    const LedgerVerdict live = judge_entry(entry, ResendPolicy{hours(24), false}, now, owner_alive);
    EXPECT_EQ(live.action, LedgerVerdict::Action::kInProgress);
    EXPECT_EQ(live.reason, "in_progress");

    entry.sending_owner = this_host_name() + "/999999999/1";  // no such process
    const LedgerVerdict dead = judge_entry(entry, ResendPolicy{hours(24), false}, now, owner_alive);
    EXPECT_EQ(dead.action, LedgerVerdict::Action::kSend);
    EXPECT_TRUE(dead.in_doubt);
    EXPECT_EQ(dead.reason, "in_doubt");

    entry.sending_owner = "another-host.example/1/1";  // alive until its lease ends
    const ResendPolicy day{hours(24), false};
    EXPECT_EQ(judge_entry(entry, day, now, owner_alive).reason, "in_progress");
    // Without an interval every call sends, a live intent elsewhere or not.
    EXPECT_EQ(judge_entry(entry, ResendPolicy{}, now, owner_alive).reason, "no_interval");
    entry.lease_until = now - std::chrono::seconds(1);
    EXPECT_EQ(judge_entry(entry, day, now, owner_alive).reason, "in_doubt");
}

// Issue 9: a send whose request was written in full and then got no answer ended in doubt; the
// journal keeps that, and the next caller sends it again and says so, as after a kill mid-send.
TEST(JournalVerdictRules, ALastSendThatEndedInDoubtIsSentAgainInDoubt) {
    const WallClock::time_point now = WallClock::now();
    JournalEntry entry;
    entry.last_result = "failed";
    entry.last_result_at = now - hours(1);
    entry.last_in_doubt = true;
    const LedgerVerdict again =
        judge_entry(entry, ResendPolicy{hours(24), false}, now, owner_alive);
    EXPECT_EQ(again.action, LedgerVerdict::Action::kSend);
    EXPECT_TRUE(again.in_doubt);
    EXPECT_EQ(again.reason, "in_doubt");

    // Even within the interval of an earlier accepted send: the last one may not have arrived.
    entry.last_sent_at = now - hours(2);
    EXPECT_EQ(judge_entry(entry, ResendPolicy{hours(24), false}, now, owner_alive).reason,
              "in_doubt");
    // A send that ended cleanly after it clears the doubt.
    entry.last_in_doubt = false;
    EXPECT_EQ(judge_entry(entry, ResendPolicy{hours(24), false}, now, owner_alive).reason,
              "within_interval");
}

// Issue 9: a send recorded in the future (a wrong clock, a hand-edited record) must not silence
// the task until then: it is due, and the reason says why.
TEST(JournalVerdictRules, ASendRecordedInTheFutureIsDueAndSaysSo) {
    const WallClock::time_point now = WallClock::now();
    const ResendPolicy day{hours(24), false};
    const LedgerVerdict ahead = judge_entry(sent_at(now + hours(3)), day, now, owner_alive);
    EXPECT_EQ(ahead.action, LedgerVerdict::Action::kSend);
    EXPECT_EQ(ahead.reason, "last_sent_in_future");
    EXPECT_FALSE(ahead.next_due_at.has_value());
    // A clock a minute apart is not a problem.
    EXPECT_EQ(judge_entry(sent_at(now + std::chrono::minutes(1)), day, now, owner_alive).reason,
              "within_interval");
}

TEST(UtcTime, FormatsParsesAndRefusesImpossibleDates) {
    const auto at = parse_utc("2026-11-01T12:30:05.250Z");
    ASSERT_TRUE(at.has_value());
    EXPECT_EQ(format_utc(*at), "2026-11-01T12:30:05.250Z");
    EXPECT_EQ(to_epoch_ms(from_epoch_ms(1790000000123)), 1790000000123);
    EXPECT_FALSE(parse_utc("2026-02-30T00:00:00.000Z").has_value());
    EXPECT_FALSE(parse_utc("2026-11-01T24:00:00.000Z").has_value());
    EXPECT_FALSE(parse_utc("2026-11-01 12:30:05.250Z").has_value());
    // Outside what the clock holds (found by fuzzing a daemon's answer: -999 overflowed it), or
    // a sign or blank where a digit goes.
    EXPECT_FALSE(parse_utc("-999-11-01T12:30:05.250Z").has_value());
    EXPECT_FALSE(parse_utc("9999-11-01T12:30:05.250Z").has_value());
    EXPECT_FALSE(parse_utc("1969-12-31T23:59:59.999Z").has_value());
    EXPECT_FALSE(parse_utc("2026-11-01T12:30:05.-25Z").has_value());
    EXPECT_FALSE(parse_utc("2026- 1-01T12:30:05.250Z").has_value());
    EXPECT_FALSE(parse_utc("2026-+1-01T12:30:05.250Z").has_value());
    EXPECT_TRUE(parse_utc("1970-01-01T00:00:00.000Z").has_value());
    EXPECT_TRUE(parse_utc("2200-12-31T23:59:59.999Z").has_value());
}

}  // namespace
}  // namespace taskhost
