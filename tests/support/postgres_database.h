// A fresh PostgreSQL database for one test, on the suite's throwaway server (pg-server.sh, started
// by ctest as the fixture PostgreSQL), dropped when the test is done.
//
// A test binary declares it needs the server in CMake with taskhost_requires_postgresql(target)
// (tests/support/CMakeLists.txt): its cases then run after postgresql_server_start, with
// TASKHOST_TEST_PG_DIR set. By hand:
//   bash tests/support/pg-server.sh start /tmp/pg && TASKHOST_TEST_PG_DIR=/tmp/pg ./some_test
//   bash tests/support/pg-server.sh stop /tmp/pg
//
// Poco 1.11's PostgreSQL connector (Poco::Data::PostgreSQL, Debian 12), as checked against
// PostgreSQL 15 here:
// - Setup: Poco::Data::PostgreSQL::Connector::registerConnector() once, then
//   Session("PostgreSQL", "host=/socket/dir user=taskhost_test dbname=NAME"): libpq keywords (a
//   host starting with '/' is a unix socket directory), but Poco parses the string itself first:
//   it splits at every single space, so no quoted values, no value with a space, and no double
//   space ("bad connection string format, cannot find '='", a PostgreSQLException); it adds
//   connect_timeout=<the Session's login timeout, 60 s> unless given. CMake: Poco's
//   DataPostgreSQL target links to PostgreSQL::client, which Poco's CMake files never define;
//   tests/support/CMakeLists.txt defines it from FindPostgreSQL (needs libpq-dev, also for
//   <libpq-fe.h>, which Poco's Binder.h/SessionHandle.h include).
// - Placeholders are PostgreSQL's $1, $2, ... ('?' is a syntax error). Every statement is
//   PQprepare'd under a UUID name, described, run with PQexecPrepared and DEALLOCATEd when the
//   Statement dies (inside a transaction: at commit/rollback): four round trips for a one-off
//   `session << ... , now`; a kept Statement re-executed (use() bound variables) prepares once.
//   Poco counts *distinct* matches of [$][0-9]+ anywhere in the text, string
//   literals included: 'costs $5' in a literal makes the bind count wrong ("incorrect bind
//   parameters count"), and $1 with $3 but no $2 fails. The same $1 may appear twice. One
//   statement per string ("cannot insert multiple commands into a prepared statement").
// - Types: results come back as text and are parsed on extraction. BIGINT into Poco::Int64 works
//   (9007199254740993 round-trips); bind Poco::Int64 with use()/bind(). An unparsable value
//   is NOT an error: a numeric with decimals (extract(epoch ...)*1000 without ::bigint), a
//   bigint that overflows int, or text into Int64 all give 0 silently. Cast in SQL
//   (::bigint) and extract into Poco::Int64. BOOLEAN into/from bool works; TIMESTAMPTZ into
//   std::string gives "2026-11-29 22:42:24.876403+00" (the server's sessions are UTC).
// - NULLs: extracting NULL into a plain T gives T() (0, ""), overwriting what was there; use
//   Poco::Nullable<T> to tell NULL apart (isNull()), or into(v, Poco::Data::Position(0), def).
//   Beware into(v, Poco::Int64(42)): the 42 converts to a Position (result set 42), not a default,
//   and v is left untouched. Binding an empty Poco::Nullable<T> inserts NULL. A query returning
//   no row leaves into() targets untouched.
// - Transactions: autoCommit is on by default. session.begin()/commit()/rollback() send
//   BEGIN/COMMIT/ROLLBACK; begin() twice throws Poco::InvalidAccessException ("Already in
//   transaction"). A failed statement aborts the transaction ("current transaction is aborted"
//   for every later one) and commit() then does NOT throw: the server answers ROLLBACK and
//   nothing is stored. Check your statements' errors, not commit's. A "BEGIN" sent as a
//   statement works but isTransaction() does not see it. CREATE DATABASE cannot run inside
//   begin()...commit() (SQLSTATE 25001) but works in autocommit.
// - Errors: SQL errors throw Poco::Data::PostgreSQL::StatementException (derives from
//   PostgreSQLException -> Poco::Data::DataException); its displayText() has the server's
//   message and "State: 23505 ... Constraint: t_pkey" (prepare errors have no SQLSTATE). A
//   failed connect (no server, no database, bad conninfo) throws
//   Poco::Data::ConnectionFailedException. When the server ends the connection, the next
//   statement throws StatementException ("server closed the connection unexpectedly"), those
//   after it Poco::Data::NotConnectedException; session.reconnect() recovers. Poco's what() is
//   only the class's name ("PostgreSQL": all gtest prints for an uncaught one): catch
//   Poco::Exception and print displayText().
// - Leaks: Poco never PQfinish()es a connection that is not CONNECTION_OK (a failed connect, or
//   one the server closed): LeakSanitizer reports it; taskhost_requires_postgresql() points
//   LSAN_OPTIONS at lsan-poco-postgresql.supp.
#pragma once

#include <string>

namespace taskhost_test {

// A database of its own ("t_<pid>_<counter>_<random>") on the server that TASKHOST_TEST_PG_DIR
// names, created by the constructor and dropped (WITH (FORCE): open connections are closed) by the
// destructor. The role taskhost_test owns it and is a superuser; authentication is trust.
//
// The constructor throws std::runtime_error, which fails the test, when TASKHOST_TEST_PG_DIR is
// unset, no server runs there or the database cannot be created: the message says how to start
// one. A test never skips silently for want of a server.
class PostgresDatabase {
  public:
    PostgresDatabase();
    ~PostgresDatabase();
    PostgresDatabase(const PostgresDatabase&) = delete;
    PostgresDatabase& operator=(const PostgresDatabase&) = delete;

    // For Poco: Session("PostgreSQL", db.connection_string()).
    // "host=SOCKETDIR user=taskhost_test dbname=NAME", with no spaces or quotes in the values.
    const std::string& connection_string() const { return connection_string_; }
    // The server's unix socket directory.
    const std::string& socket_dir() const { return socket_dir_; }
    // The database's name: lower-case letters, digits and '_', usable unquoted in SQL.
    const std::string& name() const { return name_; }

    // The maintenance database "postgres" on the same server, e.g. to look at pg_database.
    // Throws like the constructor when there is no server.
    static std::string server_connection_string();

  private:
    std::string socket_dir_;
    std::string name_;
    std::string connection_string_;
};

}  // namespace taskhost_test
