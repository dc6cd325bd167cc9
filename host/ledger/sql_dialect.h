// What differs between the ledger's two databases, and nothing else: the same statements run on
// both (Poco::Data, "$1" placeholders, which SQLite reads as named parameters in order).
#pragma once

#include <string>

namespace taskhost {

struct SqlDialect {
    std::string connector;    // Poco::Data's connector name: "SQLite" or "PostgreSQL"
    std::string begin_write;  // a transaction that will write: SQLite takes the write lock now
    std::string for_update;   // appended to a SELECT that the transaction will update
    std::string id_column;    // an auto-increasing 64-bit primary key
    std::string now_ms;       // the database's clock, milliseconds since the epoch
    // Run before a write transaction's BEGIN: one that must reach the disk before it returns
    // (an intent), and one that may reach it with the next durable one. Empty: every commit is
    // durable (PostgreSQL: the fleet's shared record keeps its server's setting).
    std::string durable_commit;
    std::string relaxed_commit;
    // Statements built with many parameters (ledger_tables.cpp's many-row ones) number them
    // ("$1") only where the database needs it: SQLite reads "$n" as a name and looks each one up
    // among those before it, quadratic in a statement's parameters; "?" is plain position.
    bool numbered_placeholders = true;
    // A row that a transaction will create must be created first to be locked against another
    // writer (PostgreSQL's row locks); SQLite's write transaction already excludes every other.
    bool lock_new_rows = true;
};

const SqlDialect& sqlite_dialect();
const SqlDialect& postgresql_dialect();

}  // namespace taskhost
