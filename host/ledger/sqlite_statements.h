// SQLite statements prepared once per connection and kept for its life (issue 12: Poco::Data
// prepares a statement again at every execution, which was an eighth of apply's CPU and most of
// what a group commit held the write lock for). Used only on the ledger's hot path, on the
// connection's own sqlite3 handle, under the connection's lock (not thread-safe). A statement
// is reset and its bindings cleared when its Query ends; a prepared statement SQLite finds stale
// after another process changed the schema is prepared again by sqlite3_step itself.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace taskhost {

class SqliteStatements {
  public:
    explicit SqliteStatements(sqlite3* db) : db_(db) {}
    ~SqliteStatements();  // finalizes every statement: before the handle is closed
    SqliteStatements(const SqliteStatements&) = delete;
    SqliteStatements& operator=(const SqliteStatements&) = delete;

    // One execution of `sql`: bind parameters in order, then step through the rows. Throws
    // std::runtime_error with SQLite's message (never a bound value) on an error.
    class Query {
      public:
        Query(SqliteStatements& statements, const std::string& sql);
        ~Query();
        Query(const Query&) = delete;
        Query& operator=(const Query&) = delete;

        Query& bind(int64_t value);
        Query& bind(const std::string& value);
        bool step();  // true: a row is ready; false: done
        void run();   // every step, rows ignored
        int64_t integer(int column) const;
        std::string text(int column) const;

      private:
        [[noreturn]] void fail(int code) const;
        sqlite3* db_;
        sqlite3_stmt* stmt_;
        int next_ = 1;
    };

    void run(const std::string& sql) { Query(*this, sql).run(); }
    // The rowid of the connection's last successful INSERT (an INTEGER PRIMARY KEY is the rowid).
    int64_t last_insert_rowid() const;
    size_t prepared() const { return cache_.size(); }

  private:
    sqlite3_stmt* prepare(const std::string& sql);

    sqlite3* db_;
    std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

}  // namespace taskhost
