// The ledger's rows, read and written with one set of statements for both databases. Each
// function runs on a session the caller holds (inside its transaction) and throws Poco
// exceptions on database errors. Times are the database clock's milliseconds.
#pragma once

#include <Poco/Data/Session.h>

#include <optional>
#include <string>
#include <vector>

#include "ledger/ledger_records.h"
#include "ledger/sql_dialect.h"

namespace taskhost {

// The journal row for `key`; `for_update` locks it until the transaction ends (PostgreSQL).
std::optional<JournalEntry> select_journal_entry(Poco::Data::Session& db, const SqlDialect& dialect,
                                                 const std::string& key, bool for_update);
// Makes sure a row exists for `identity` (empty: never sent), so that it can be locked.
void ensure_journal_entry(Poco::Data::Session& db, const TaskIdentity& identity);
void write_intent(Poco::Data::Session& db, const TaskIdentity& identity, int64_t now_ms,
                  const std::string& owner, int64_t lease_until_ms);
void write_completion(Poco::Data::Session& db, const TaskIdentity& identity,
                      const Completion& completion, int64_t now_ms);
// Imports an old journal entry as it was (taskhost ledger migrate); an existing row wins.
void import_journal_entry(Poco::Data::Session& db, const JournalEntry& entry);

void insert_history(Poco::Data::Session& db, const HistoryRecord& record);
std::vector<HistoryRecord> select_history(Poco::Data::Session& db, const HistoryQuery& query);

}  // namespace taskhost
