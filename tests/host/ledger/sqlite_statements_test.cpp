// SQLite statements kept prepared for a connection's life (host/ledger/sqlite_statements.h): one
// prepare per statement however often it runs, values rebound each time, errors that name the
// problem but no value, a statement that survives another connection's schema change, a busy
// database reported as SQLite says it (SqlConnection retries on "database is locked"), and
// nothing left open when the cache goes.
#include "ledger/sqlite_statements.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>
#include <string>

namespace taskhost_test {
namespace {

using taskhost::SqliteStatements;

constexpr const char* kCanary = "CANARY-VALUE-5f1c2e";

class SqliteFile {
  public:
    SqliteFile() {
        char dir[] = "/tmp/sqlite-statements-XXXXXX";
        dir_ = mkdtemp(dir);
        path_ = dir_ + "/test.sqlite";
    }
    ~SqliteFile() {
        unlink(path_.c_str());
        unlink((path_ + "-wal").c_str());
        unlink((path_ + "-shm").c_str());
        rmdir(dir_.c_str());
    }
    sqlite3* open() const {
        sqlite3* db = nullptr;
        EXPECT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
        sqlite3_exec(db, "PRAGMA journal_mode = WAL", nullptr, nullptr, nullptr);
        return db;
    }

  private:
    std::string dir_, path_;
};

void exec(sqlite3* db, const char* sql) {
    ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
}

int64_t count_rows(SqliteStatements& statements) {
    SqliteStatements::Query count(statements, "SELECT count(*) FROM t");
    EXPECT_TRUE(count.step());
    return count.integer(0);
}

TEST(SqliteStatements, PreparesOnceAndRunsAgainWithNewValues) {
    const SqliteFile file;
    sqlite3* db = file.open();
    exec(db, "CREATE TABLE t (a INTEGER, b TEXT UNIQUE)");
    {
        SqliteStatements statements(db);
        for (int64_t i = 1; i <= 50; ++i) {
            SqliteStatements::Query insert(statements, "INSERT INTO t (a, b) VALUES (?, ?)");
            insert.bind(i).bind("row " + std::to_string(i)).run();
        }
        EXPECT_EQ(statements.prepared(), 1u);
        SqliteStatements::Query select(statements, "SELECT a, b FROM t WHERE a = ?");
        select.bind(int64_t(37));
        ASSERT_TRUE(select.step());
        EXPECT_EQ(select.integer(0), 37);
        EXPECT_EQ(select.text(1), "row 37");
        EXPECT_FALSE(select.step());
    }
    EXPECT_EQ(sqlite3_close(db), SQLITE_OK);  // SQLITE_BUSY while a statement is left open
}

TEST(SqliteStatements, AnErrorNamesTheProblemNotTheValueAndTheStatementRunsAgain) {
    const SqliteFile file;
    sqlite3* db = file.open();
    exec(db, "CREATE TABLE t (a INTEGER, b TEXT UNIQUE)");
    {
        SqliteStatements statements(db);
        const std::string insert_sql = "INSERT INTO t (a, b) VALUES (?, ?)";
        SqliteStatements::Query(statements, insert_sql).bind(int64_t(1)).bind(kCanary).run();
        try {
            SqliteStatements::Query(statements, insert_sql).bind(int64_t(2)).bind(kCanary).run();
            FAIL() << "a duplicate of a UNIQUE column was accepted";
        } catch (const std::runtime_error& error) {
            const std::string message = error.what();
            EXPECT_NE(message.find("UNIQUE constraint failed"), std::string::npos) << message;
            EXPECT_EQ(message.find(kCanary), std::string::npos) << message;
        }
        SqliteStatements::Query(statements, insert_sql).bind(int64_t(3)).bind("other").run();
        EXPECT_EQ(count_rows(statements), 2);
    }
    EXPECT_EQ(sqlite3_close(db), SQLITE_OK);
}

TEST(SqliteStatements, AKeptStatementSurvivesAnotherConnectionsSchemaChange) {
    const SqliteFile file;
    sqlite3* db = file.open();
    sqlite3* other = file.open();
    exec(db, "CREATE TABLE t (a INTEGER, b TEXT UNIQUE)");
    {
        SqliteStatements statements(db);
        SqliteStatements::Query(statements, "INSERT INTO t (a, b) VALUES (?, ?)")
            .bind(int64_t(1))
            .bind("one")
            .run();
        EXPECT_EQ(count_rows(statements), 1);
        exec(other, "ALTER TABLE t ADD COLUMN c TEXT NOT NULL DEFAULT ''");
        exec(other, "CREATE INDEX t_a ON t (a)");
        exec(other, "INSERT INTO t (a, b, c) VALUES (2, 'two', 'x')");
        EXPECT_EQ(count_rows(statements), 2);
        EXPECT_EQ(statements.prepared(), 2u);
    }
    EXPECT_EQ(sqlite3_close(other), SQLITE_OK);
    EXPECT_EQ(sqlite3_close(db), SQLITE_OK);
}

TEST(SqliteStatements, ABusyDatabaseSaysItIsLocked) {
    const SqliteFile file;
    sqlite3* db = file.open();
    sqlite3* other = file.open();
    exec(db, "CREATE TABLE t (a INTEGER, b TEXT UNIQUE)");
    exec(other, "BEGIN IMMEDIATE");
    {
        SqliteStatements statements(db);
        try {
            statements.run("BEGIN IMMEDIATE");
            FAIL() << "took the write lock another connection holds";
        } catch (const std::runtime_error& error) {
            // SqlConnection's transient() retries on these words.
            EXPECT_NE(std::string(error.what()).find("database is locked"), std::string::npos)
                << error.what();
        }
        exec(other, "COMMIT");
        statements.run("BEGIN IMMEDIATE");
        statements.run("COMMIT");
    }
    EXPECT_EQ(sqlite3_close(other), SQLITE_OK);
    EXPECT_EQ(sqlite3_close(db), SQLITE_OK);
}

}  // namespace
}  // namespace taskhost_test
