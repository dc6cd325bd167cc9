// The ledger: what every process that shares it (each on one host through SQLite, each on every
// host of a fleet through PostgreSQL) agrees on, per API key bucket:
//   1. the pacing budget: every turn and every 429 hold (budget(), pacing/shared_budget.h);
//   2. the journal: an intent, durable before a send leaves, and its completion after;
//   3. the history: every send and every refusal to send.
// The one task runner (tasks/task_runner.h) is its only writer: `run`, daemon tasks, `apply` and
// the manifest watch all go through it.
//
// The kill -9 rule: a task is sent twice only when a caller was killed while its send was in
// flight (its intent has no completion and its process is gone); the next caller sends it again
// and reports it in doubt. While the intent's process lives, other callers leave it alone
// ("in_progress"). When the ledger cannot be reached or written, nothing is sent.
#pragma once

#include <string>
#include <vector>

#include "ledger/ledger_records.h"
#include "pacing/shared_budget.h"
#include "util/host_error.h"

namespace taskhost {

class Ledger {
  public:
    virtual ~Ledger() = default;

    // "SQLite ledger /var/lib/taskhost/ledger.sqlite", "PostgreSQL ledger db.example:5432/...".
    virtual std::string describe() const = 0;

    // What the journal says about `identity` now, without writing (plans and dry runs).
    virtual Result<LedgerVerdict> judge(const TaskIdentity& identity,
                                        const ResendPolicy& policy) = 0;

    // Decides, and when the verdict is to send, records the intent: durable when this returns.
    // A refusal (within interval, in progress) is written to the history. Concurrent claims are
    // committed together (one durable write for the intents that are ready at the same time).
    virtual Result<LedgerVerdict> claim(const TaskIdentity& identity, const ResendPolicy& policy,
                                        const Caller& caller) = 0;

    // The completion of a claimed send, and its history row: durable when this returns.
    virtual Check complete(const TaskIdentity& identity, const LedgerVerdict& claimed,
                           const Caller& caller, const Completion& completion) = 0;

    // A history row for a task the host refused before it could claim (no key, a bad setting).
    virtual Check record_refusal(const TaskIdentity& identity, const Caller& caller,
                                 const std::string& reason, const std::string& msg) = 0;

    // Newest first.
    virtual Result<std::vector<HistoryRecord>> history(const HistoryQuery& query) = 0;

    // The shared pacing budget; null for a ledger that cannot pace (read-only).
    virtual SharedBudget* budget() = 0;
};

}  // namespace taskhost
