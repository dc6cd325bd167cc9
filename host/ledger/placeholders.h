// The placeholders of one statement, in the order they are bound, as its database reads them:
// "$1, $2" where it numbers them (PostgreSQL), "?, ?" where position is enough (SQLite; see
// SqlDialect::numbered_placeholders).
#pragma once

#include <string>

#include "ledger/sql_dialect.h"

namespace taskhost {

class Placeholders {
  public:
    explicit Placeholders(const SqlDialect& dialect) : numbered_(dialect.numbered_placeholders) {}

    std::string next() { return numbered_ ? "$" + std::to_string(++count_) : std::string("?"); }

    // "a, b, c"
    std::string list(size_t count) {
        std::string sql;
        for (size_t i = 0; i < count; ++i) {
            sql += (i == 0 ? "" : ", ") + next();
        }
        return sql;
    }

  private:
    bool numbered_;
    int count_ = 0;
};

}  // namespace taskhost
