// The ledger's rows, read and written with one set of statements for both databases. Each
// function runs on a session the caller holds (inside its transaction) and throws Poco
// exceptions on database errors. Times are the database clock's milliseconds.
#pragma once

#include <Poco/Data/Session.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ledger/ledger_records.h"
#include "ledger/sql_dialect.h"

namespace taskhost {

// The journal row for `key`; `for_update` locks it until the transaction ends (PostgreSQL).
std::optional<JournalEntry> select_journal_entry(Poco::Data::Session& db, const SqlDialect& dialect,
                                                 const std::string& key, bool for_update);
// Imports an old journal entry as it was (taskhost ledger migrate); an existing row wins.
void import_journal_entry(Poco::Data::Session& db, const JournalEntry& entry);

std::vector<HistoryRecord> select_history(Poco::Data::Session& db, const HistoryQuery& query);

// Many rows a statement (write_batch.h), in chunks under the databases' parameter limits.
// Makes sure a row exists for each identity (empty: never sent), so that it can be locked
// (SqlDialect::lock_new_rows).
void ensure_journal_entries(Poco::Data::Session& db, const SqlDialect& dialect,
                            const std::vector<const TaskIdentity*>& identities);
// The rows that exist among `identities`, by key; `for_update` locks them in key order.
std::map<std::string, JournalEntry> select_journal_entries(
    Poco::Data::Session& db, const SqlDialect& dialect,
    const std::vector<const TaskIdentity*>& identities, bool for_update);
// Writes each entry whole, creating its row when there is none.
void upsert_journal_entries(Poco::Data::Session& db, const SqlDialect& dialect,
                            const std::vector<const JournalEntry*>& rows);
void insert_history_rows(Poco::Data::Session& db, const SqlDialect& dialect,
                         const std::vector<HistoryRecord>& records);
// The pacing budget's turns answered now.
void answer_turns(Poco::Data::Session& db, const SqlDialect& dialect,
                  const std::vector<int64_t>& turns, int64_t now_ms);

}  // namespace taskhost
