// The pacing budget's rows as one look at a bucket reads and writes them (ledger_budget.h has
// the rules): on SQLite through the connection's kept statements (sqlite_statements.h), else
// through Poco::Data. Each runs inside the caller's write transaction and throws on a database
// error.
#pragma once

#include <Poco/Data/Session.h>

#include <cstdint>
#include <string>
#include <vector>

#include "ledger/sql_dialect.h"
#include "ledger/sqlite_statements.h"

namespace taskhost {

class BudgetRows {
  public:
    BudgetRows(Poco::Data::Session& db, const SqlDialect& dialect, SqliteStatements* native)
        : db_(db), dialect_(dialect), native_(native) {}

    // Reserved turns never handed out, given back (only while still unanswered).
    void give_back(const std::string& bucket, const std::vector<uint64_t>& ids);
    // Creates the bucket's row if needed and locks it (PostgreSQL; SQLite's write transaction
    // excludes every other writer already); answers its held_until.
    int64_t lock_bucket(const std::string& bucket);
    // Forgets the bucket's turns answered before `answered_before` and the pending ones expired
    // by `now_ms`; answers every remaining turn's answered_at, ascending (0: still pending), in
    // one statement, so one snapshot.
    std::vector<int64_t> window_times(const std::string& bucket, int64_t answered_before,
                                      int64_t now_ms);
    // Takes `count` turns granted at `now_ms`: the first expires at `expiry`, the rest (a
    // reserve) at `reserved_expiry`. Answers (id, expires_at) of each, in no promised order.
    std::vector<std::pair<int64_t, int64_t>> take(const std::string& bucket, int64_t count,
                                                  int64_t now_ms, int64_t expiry,
                                                  int64_t reserved_expiry);

  private:
    Poco::Data::Session& db_;
    const SqlDialect& dialect_;
    SqliteStatements* native_;
};

}  // namespace taskhost
