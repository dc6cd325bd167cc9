// One connection to the ledger's database, used by one thread at a time (a Poco::Data session is
// not thread-safe): opened on first use, reopened after a failure, every database error turned
// into a HostError that says the ledger could not be reached or written and that nothing was
// sent. The connection string may hold a password: it never appears in an error.
#pragma once

#include <Poco/Data/Session.h>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "ledger/sql_dialect.h"
#include "ledger/sqlite_statements.h"
#include "util/host_error.h"

namespace taskhost {

struct SqlTarget {
    const SqlDialect* dialect = nullptr;
    std::string connection;  // Poco::Data's connection string (may hold a password)
    std::string secret;      // scrubbed from every message (the password), may be empty
    std::string display;     // how errors name the ledger: "SQLite ledger /path" ...
    std::string fix;         // what to check when it cannot be reached
    // SQLite: the pragmas each new connection runs (WAL, synchronous, busy timeout).
    std::vector<std::string> on_open;
    // Shared by the connections of one process that write one SQLite file: they take turns
    // here instead of in SQLite's busy handler, which sleeps 1 to 25 ms per retry. Null: none.
    std::shared_ptr<std::mutex> write_lock;
    // SQLite: the WAL file, which group commits sync themselves outside the write lock
    // (wal_sync.h). Empty: each durable commit is durable when COMMIT returns.
    std::string sync_file;
};

class SqlConnection {
  public:
    explicit SqlConnection(SqlTarget target);

    // Runs `work` on the session under this connection's lock. A Poco::Exception thrown by it
    // closes the session (the next call reopens) and comes back as an error.
    Check with_session(const std::function<void(Poco::Data::Session&)>& work);

    // `work` inside one write transaction (the dialect's BEGIN ... COMMIT; ROLLBACK on error).
    // Retries the whole transaction a few times when the database says to (a lock wait that
    // timed out, a deadlock, a serialization failure). kRelaxed: the commit may reach the disk
    // with the next durable one (SQLite; see SqlDialect::relaxed_commit).
    enum class Commit { kDurable, kRelaxed };
    Check in_transaction(const std::function<void(Poco::Data::Session&)>& work,
                         Commit commit = Commit::kDurable);

    // Hands this connection's open session (if any) to another connection of the same target
    // whose on_open statements it has already run: open_ledger.cpp's setup connection becomes
    // the ledger's writer instead of closing (SQLite would checkpoint and delete the WAL, which
    // the writer would recreate and sync with its directory again: issue 12's cold run).
    std::unique_ptr<Poco::Data::Session> take_session();
    void adopt_session(std::unique_ptr<Poco::Data::Session> session);

    const SqlTarget& target() const { return target_; }
    HostError error(const std::string& problem) const;

    // On SQLite, the session's statements prepared once and kept (sqlite_statements.h), for
    // the hot path; null on other databases. Only for use inside with_session's or
    // in_transaction's `work`, which hold this connection.
    SqliteStatements* native_statements() { return native_.get(); }

  private:
    Poco::Data::Session& session();
    void start_native();
    void close_session();  // the prepared statements first, then the session
    void run(Poco::Data::Session& db, const std::string& sql);  // BEGIN, COMMIT, ...

    SqlTarget target_;
    std::mutex mutex_;
    std::unique_ptr<Poco::Data::Session> session_;
    std::unique_ptr<SqliteStatements> native_;
    std::optional<Commit> session_commit_;  // what the session's last commit setting was
};

// "what happened" from a Poco exception, without the connection string's secret.
std::string database_message(const std::exception& error, const std::string& secret);

// The database's clock in milliseconds since the epoch.
int64_t database_now_ms(Poco::Data::Session& session, const SqlDialect& dialect);

}  // namespace taskhost
