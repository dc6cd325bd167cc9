// The rows one group commit writes, gathered so that each kind goes to the database in one
// statement (issue 8: a statement each was most of the ledger's cost per task). A group's writes
// run in two phases inside its transaction:
//   1. the journal rows they read are named (want), then fetched together, locked (PostgreSQL:
//      FOR UPDATE, in key order, a missing row created empty first so that it exists to be
//      locked; SQLite: the write transaction excludes every other writer already); a row that
//      does not exist is an empty entry;
//   2. each write, in key order, reads and changes its entry in memory (a later write of the
//      group sees an earlier one's change, as if each ran alone) and adds history rows and
//      pacing answers; flush() then writes every changed entry, every history row and every
//      answer, a statement per kind (chunked under the databases' parameter limits).
#pragma once

#include <Poco/Data/Session.h>

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "ledger/ledger_records.h"
#include "ledger/sql_dialect.h"
#include "ledger/sqlite_statements.h"

namespace taskhost {

class WriteBatch {
  public:
    // `native`: SQLite's kept statements (sqlite_tables.h), run instead of Poco::Data's.
    WriteBatch(const SqlDialect& dialect, SqliteStatements* native)
        : dialect_(dialect), native_(native) {}

    // Phase 1.
    void want(const TaskIdentity& identity);
    void fetch(Poco::Data::Session& db);

    // Phase 2. entry(): a wanted row as fetched and changed so far (throws std::logic_error for
    // a key that was not wanted); changed(): write it back at flush.
    JournalEntry& entry(const std::string& key);
    void changed(const std::string& key);
    void add_history(HistoryRecord record);
    void answer_turn(int64_t turn);
    void flush(Poco::Data::Session& db, int64_t now_ms);

  private:
    const SqlDialect& dialect_;
    SqliteStatements* native_;
    std::map<std::string, TaskIdentity> wanted_;
    std::map<std::string, JournalEntry> entries_;
    std::set<std::string> changed_;
    std::vector<HistoryRecord> history_;
    std::vector<int64_t> answers_;  // pacing turns
};

}  // namespace taskhost
