#include "ledger/journal_verdict.h"

#include "util/resend_interval.h"

namespace taskhost {
namespace {

// How far ahead of this clock a recorded send may be before it is not believed: hosts' clocks
// differ by seconds, and PostgreSQL's clock stamps a fleet's sends.
constexpr std::chrono::minutes kFutureTolerance{5};

}  // namespace

LedgerVerdict judge_entry(const std::optional<JournalEntry>& entry, const ResendPolicy& policy,
                          WallClock::time_point now, const OwnerAlive& alive) {
    LedgerVerdict verdict;
    if (entry) {
        verdict.last_sent_at = entry->last_sent_at;
        verdict.sending_since = entry->sending_since;
        verdict.sending_owner = entry->sending_owner;
    }
    const std::chrono::seconds interval = policy.interval.value_or(std::chrono::seconds(0));
    if (verdict.last_sent_at && policy.interval) {
        verdict.next_due_at = *verdict.last_sent_at + interval;
    }
    if (verdict.sending_since) {
        if (!(alive && alive(*entry, now))) {
            // Sent or not, nobody knows: sending again risks a second email, not sending risks
            // none.
            verdict.in_doubt = true;
            verdict.reason = "in_doubt";
            return verdict;
        }
        if (policy.interval && !policy.force) {
            verdict.action = LedgerVerdict::Action::kInProgress;
            verdict.reason = "in_progress";
            return verdict;
        }
        // No interval (every call sends) or forced: a send in flight elsewhere does not stop it.
    }
    if (entry && entry->last_in_doubt && !verdict.sending_since) {
        // The last send ended after its request was written in full and before an answer (issue
        // 9): DigiCert may have it or not. Sent again, and said so, as after a kill mid-send.
        verdict.in_doubt = true;
        verdict.reason = "in_doubt";
        return verdict;
    }
    if (policy.force) {
        verdict.reason = "forced";
        return verdict;
    }
    if (!verdict.last_sent_at) {
        verdict.reason = "never_sent";
        return verdict;
    }
    if (*verdict.last_sent_at > now + kFutureTolerance) {
        // A send recorded as later than now (a clock set wrong, a hand-edited record) would
        // silence the task until then: it is due, and the reason says why (issue 9).
        verdict.next_due_at.reset();
        verdict.reason = "last_sent_in_future";
        return verdict;
    }
    if (!policy.interval) {
        verdict.reason = "no_interval";
        return verdict;
    }
    if (interval.count() > 0 && now < *verdict.next_due_at) {
        verdict.action = LedgerVerdict::Action::kWithinInterval;
        verdict.reason = "within_interval";
        return verdict;
    }
    verdict.reason = "interval_passed";
    return verdict;
}

std::string not_sent_msg(const LedgerVerdict& verdict,
                         const std::optional<std::chrono::seconds>& interval) {
    const auto at = [](const std::optional<WallClock::time_point>& time) {
        return time ? format_utc(*time) : std::string("?");
    };
    if (verdict.action == LedgerVerdict::Action::kInProgress) {
        return "another caller is sending this task right now (" + verdict.sending_owner +
               ", since " + at(verdict.sending_since) + "); nothing sent";
    }
    return "already sent at " + at(verdict.last_sent_at) + ", within its " +
           format_resend_interval(interval.value_or(std::chrono::seconds(0))) +
           " resend_interval (next due " + at(verdict.next_due_at) + "); nothing sent";
}

}  // namespace taskhost
