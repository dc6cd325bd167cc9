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
};

const SqlDialect& sqlite_dialect();
const SqlDialect& postgresql_dialect();

}  // namespace taskhost
