// The journal's and the history's rows as their columns hold them (times in the database
// clock's milliseconds, 0 for none), the conversions to and from the ledger's records, and the
// statements' column lists: one definition for both ways of running them (ledger_tables.cpp
// through Poco::Data, sqlite_tables.cpp on SQLite's own prepared statements).
#pragma once

#include <cstdint>
#include <string>

#include "ledger/ledger_records.h"

namespace taskhost {

// In kJournalColumns' order.
struct JournalRow {
    std::string key, account, task, params, params_digest, manifest, name, subject_id, subject_name;
    int64_t last_sent_at = 0, sending_since = 0;
    std::string sending_owner;
    int64_t lease_until = 0;
    std::string last_result;
    int64_t last_result_at = 0, last_in_doubt = 0;
};

JournalRow journal_row(const JournalEntry& entry);
JournalEntry journal_entry(JournalRow row);

extern const char* const kJournalColumns;  // 16 columns
// "INSERT INTO taskhost_journal (...) VALUES (" + 16 placeholders + kJournalUpsertTail
extern const char* const kJournalUpsertTail;
extern const char* const kHistoryColumns;  // 15 columns: at, account, ..., msg (not id)

}  // namespace taskhost
