// The ledger's hot statements on SQLite's own prepared statements (sqlite_statements.h): what a
// group commit runs for every task (issue 12). Each is a single-row statement run once per row,
// prepared once per connection; the same text and rows as ledger_tables.h's, which PostgreSQL
// runs through Poco::Data.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ledger/ledger_records.h"
#include "ledger/sqlite_statements.h"

namespace taskhost {

int64_t sqlite_now_ms(SqliteStatements& db);
std::map<std::string, JournalEntry> sqlite_select_journal_entries(
    SqliteStatements& db, const std::vector<const TaskIdentity*>& identities);
// One journal row by key, as ledger_tables.h's select_journal_entry (without a lock: SQLite's
// writer holds the database).
std::optional<JournalEntry> sqlite_select_journal_entry(SqliteStatements& db,
                                                        const TaskIdentity& identity);
void sqlite_upsert_journal_entries(SqliteStatements& db,
                                   const std::vector<const JournalEntry*>& rows);
void sqlite_insert_history_rows(SqliteStatements& db, const std::vector<HistoryRecord>& records);
void sqlite_answer_turns(SqliteStatements& db, const std::vector<int64_t>& turns, int64_t now_ms);

}  // namespace taskhost
