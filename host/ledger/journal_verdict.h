// The journal's verdict on a task: send it, or not and why. Pure: the ledger calls it inside the
// transaction that then writes the intent, so two callers never both decide to send.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "ledger/ledger_records.h"

namespace taskhost {

// Whether the process that wrote an intent may still be sending it: `owner` is its
// "host/pid/start" (process_identity.h), `lease_until` when the intent stops counting anyway.
using OwnerAlive = std::function<bool(const JournalEntry& entry, WallClock::time_point now)>;

// An intent without completion is in progress while its owner lives (with an interval: not sent
// again unless forced; without one every call sends) and in doubt once its owner is dead (sent
// again, reported in doubt: a second email is a nuisance, a missing one blocks a certificate). A
// completed send counts within the policy's interval; no interval means every call sends (and is
// still journaled).
LedgerVerdict judge_entry(const std::optional<JournalEntry>& entry, const ResendPolicy& policy,
                          WallClock::time_point now, const OwnerAlive& alive);

// Why a task the verdict stops (within interval, in progress) was not sent, for its outcome and
// its history row alike: "already sent at T, within its 24h resend_interval (next due U);
// nothing sent".
std::string not_sent_msg(const LedgerVerdict& verdict,
                         const std::optional<std::chrono::seconds>& interval);

}  // namespace taskhost
