#include "ledger/sqlite_statements.h"

#include <sqlite3.h>

#include <stdexcept>

namespace taskhost {

// Statements are few and fixed (the ledger's own text, never a value): the cache stays small.
constexpr size_t kMaxStatements = 64;

SqliteStatements::~SqliteStatements() {
    for (auto& [sql, stmt] : cache_) {
        sqlite3_finalize(stmt);
    }
}

sqlite3_stmt* SqliteStatements::prepare(const std::string& sql) {
    const auto found = cache_.find(sql);
    if (found != cache_.end()) {
        return found->second;
    }
    sqlite3_stmt* stmt = nullptr;
    const int code = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()) + 1,
                                        SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (code != SQLITE_OK || stmt == nullptr) {
        sqlite3_finalize(stmt);
        throw std::runtime_error(std::string("SQLite could not prepare a ledger statement: ") +
                                 sqlite3_errmsg(db_));
    }
    if (cache_.size() >= kMaxStatements) {  // never expected: the ledger's statements are few
        for (auto& [text, old] : cache_) {
            sqlite3_finalize(old);
        }
        cache_.clear();
    }
    cache_.emplace(sql, stmt);
    return stmt;
}

SqliteStatements::Query::Query(SqliteStatements& statements, const std::string& sql)
    : db_(statements.db_), stmt_(statements.prepare(sql)) {}

SqliteStatements::Query::~Query() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

void SqliteStatements::Query::fail(int code) const {
    // sqlite3_errmsg names the problem ("database is locked", "UNIQUE constraint failed: ..."),
    // never a bound value; SqlConnection decides from it whether to try again.
    throw std::runtime_error(std::string("SQLite: ") + sqlite3_errmsg(db_) + " (code " +
                             std::to_string(code) + ")");
}

SqliteStatements::Query& SqliteStatements::Query::bind(int64_t value) {
    const int code = sqlite3_bind_int64(stmt_, next_++, value);
    if (code != SQLITE_OK) {
        fail(code);
    }
    return *this;
}

SqliteStatements::Query& SqliteStatements::Query::bind(const std::string& value) {
    const int code = sqlite3_bind_text(stmt_, next_++, value.data(), static_cast<int>(value.size()),
                                       SQLITE_TRANSIENT);
    if (code != SQLITE_OK) {
        fail(code);
    }
    return *this;
}

bool SqliteStatements::Query::step() {
    const int code = sqlite3_step(stmt_);
    if (code == SQLITE_ROW) {
        return true;
    }
    if (code == SQLITE_DONE) {
        return false;
    }
    fail(code);
}

void SqliteStatements::Query::run() {
    while (step()) {
    }
}

int64_t SqliteStatements::last_insert_rowid() const {
    return sqlite3_last_insert_rowid(db_);
}

int64_t SqliteStatements::Query::integer(int column) const {
    return sqlite3_column_int64(stmt_, column);
}

std::string SqliteStatements::Query::text(int column) const {
    const auto* data = sqlite3_column_text(stmt_, column);
    const int size = sqlite3_column_bytes(stmt_, column);
    return data == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(data), size);
}

}  // namespace taskhost
