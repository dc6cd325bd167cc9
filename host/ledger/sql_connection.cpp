#include "ledger/sql_connection.h"

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/SQLite/Utility.h>
#include <Poco/Exception.h>
#include <sqlite3.h>

#include <chrono>
#include <thread>

#include "util/bounded_json.h"

namespace taskhost {
namespace {

using namespace Poco::Data::Keywords;

// PostgreSQL's connector is registered by ledger/postgresql_connector.h, loaded on demand.
void register_connectors() {
    static std::once_flag once;
    std::call_once(once, [] { Poco::Data::SQLite::Connector::registerConnector(); });
}

// Worth running the same transaction again: another writer held the lock past the wait, or the
// database picked this transaction as a deadlock's or a serialization conflict's victim.
bool transient(const std::string& message) {
    for (const char* sign : {"database is locked", "busy", "deadlock detected",
                             "could not serialize", "40P01", "40001"}) {
        if (message.find(sign) != std::string::npos) {
            return true;
        }
    }
    return false;
}

}  // namespace

std::string database_message(const std::exception& error, const std::string& secret) {
    std::string text;
    if (const auto* poco = dynamic_cast<const Poco::Exception*>(&error)) {
        text = poco->displayText();
    } else {
        text = error.what();
    }
    if (!secret.empty()) {
        for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret)) {
            text.replace(at, secret.size(), "[redacted]");
        }
    }
    for (char& c : text) {
        if (c == '\n' || c == '\r' || c == '\t') {
            c = ' ';
        }
    }
    return printable(text, 400);
}

int64_t database_now_ms(Poco::Data::Session& session, const SqlDialect& dialect) {
    Poco::Int64 now_ms = 0;
    session << "SELECT " + dialect.now_ms, into(now_ms), now;
    return now_ms;
}

SqlConnection::SqlConnection(SqlTarget target) : target_(std::move(target)) {
    register_connectors();
}

HostError SqlConnection::error(const std::string& problem) const {
    return HostError{target_.display, problem + "; nothing was sent", target_.fix};
}

void SqlConnection::run(Poco::Data::Session& db, const std::string& sql) {
    if (native_) {
        native_->run(sql);
    } else {
        db << sql, now;
    }
}

Poco::Data::Session& SqlConnection::session() {
    if (!session_) {
        auto opened =
            std::make_unique<Poco::Data::Session>(target_.dialect->connector, target_.connection);
        for (const std::string& pragma : target_.on_open) {
            *opened << pragma, now;
        }
        session_ = std::move(opened);
        session_commit_.reset();
        start_native();
    }
    return *session_;
}

void SqlConnection::start_native() {
    if (session_ && target_.dialect->connector == "SQLite") {
        sqlite3* db = Poco::Data::SQLite::Utility::dbHandle(*session_);
        // The last connection to close leaves the WAL as it is instead of copying it into the
        // database file, syncing that and deleting the WAL: every commit in it is already
        // durable (wal_sync.h), and the next process reuses the file instead of creating it and
        // syncing its directory again. SQLite's automatic checkpoint (at 1000 pages) still
        // copies it over as commits add to it. A cold `taskhost run` paid about 5 ms for the
        // checkpoint, the delete and the re-creation (issue 12).
        sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
        native_ = std::make_unique<SqliteStatements>(db);
    }
}

void SqlConnection::close_session() {
    native_.reset();
    session_.reset();
}

std::unique_ptr<Poco::Data::Session> SqlConnection::take_session() {
    std::lock_guard<std::mutex> lock(mutex_);
    session_commit_.reset();
    native_.reset();
    return std::move(session_);
}

void SqlConnection::adopt_session(std::unique_ptr<Poco::Data::Session> session) {
    std::lock_guard<std::mutex> lock(mutex_);
    native_.reset();
    session_ = std::move(session);
    session_commit_.reset();
    start_native();
}

Check SqlConnection::with_session(const std::function<void(Poco::Data::Session&)>& work) {
    std::lock_guard<std::mutex> lock(mutex_);
    try {
        work(session());
        return std::nullopt;
    } catch (const HostErrorException& bad) {
        return bad.error();
    } catch (const std::exception& bad) {
        close_session();
        return error("cannot be reached or written: " + database_message(bad, target_.secret));
    }
}

Check SqlConnection::in_transaction(const std::function<void(Poco::Data::Session&)>& work,
                                    Commit commit) {
    constexpr int kAttempts = 5;
    std::lock_guard<std::mutex> lock(mutex_);
    std::unique_lock<std::mutex> writing;
    if (target_.write_lock) {
        writing = std::unique_lock<std::mutex>(*target_.write_lock);
    }
    std::string last;
    for (int attempt = 1; attempt <= kAttempts; ++attempt) {
        bool begun = false;
        try {
            Poco::Data::Session& db = session();
            const std::string& setting = commit == Commit::kDurable
                                             ? target_.dialect->durable_commit
                                             : target_.dialect->relaxed_commit;
            if (!setting.empty() && session_commit_ != commit) {
                run(db, setting);
                session_commit_ = commit;
            }
            run(db, target_.dialect->begin_write);
            begun = true;
            work(db);
            run(db, "COMMIT");
            return std::nullopt;
        } catch (const HostErrorException& bad) {
            if (begun) {
                try {
                    run(*session_, "ROLLBACK");
                } catch (const std::exception&) {
                    close_session();
                }
            }
            return bad.error();
        } catch (const std::exception& bad) {
            last = database_message(bad, target_.secret);
            // A failed statement may leave the transaction open or the session broken: start
            // again from a new session.
            close_session();
            if (!transient(last)) {
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5 * attempt));
        }
    }
    return error("cannot be reached or written: " + last);
}

}  // namespace taskhost
