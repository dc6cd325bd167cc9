// How a claim and a completion change a task's journal entry, as values (write_batch.h writes
// the entry back): the intent before a send, its completion after.
#pragma once

#include <cstdint>
#include <string>

#include "ledger/ledger_records.h"

namespace taskhost {

// The intent: `owner` is sending since `now_ms`; another host may take it over after the lease.
void mark_intent(JournalEntry& entry, const TaskIdentity& identity, int64_t now_ms,
                 const std::string& owner, int64_t lease_until_ms);

// The completion clears the intent. A send that may have arrived keeps its intent's meaning:
// last_in_doubt, and last_sent_at moves only when the server accepted it.
void mark_completion(JournalEntry& entry, const TaskIdentity& identity,
                     const Completion& completion, int64_t now_ms);

}  // namespace taskhost
