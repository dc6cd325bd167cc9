// PostgresDatabase against the suite's real server (fixture PostgreSQL): each object is a database
// of its own, Poco::Data reads and writes it, and it is gone once the object is.
#include "postgres_database.h"
#include "temp_dir.h"

#include <gtest/gtest.h>

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/PostgreSQL/PostgreSQLException.h>
#include <Poco/Data/Session.h>
#include <Poco/Nullable.h>
#include <Poco/Types.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>

namespace {

using namespace Poco::Data::Keywords;
using Poco::Data::Session;
using taskhost_test::PostgresDatabase;

class PostgresDatabaseTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { Poco::Data::PostgreSQL::Connector::registerConnector(); }

    static Poco::Int64 databases_named(const std::string& name) {
        Session server("PostgreSQL", PostgresDatabase::server_connection_string());
        Poco::Int64 count = -1;
        std::string n = name;
        server << "SELECT count(*) FROM pg_database WHERE datname = $1", use(n), into(count), now;
        return count;
    }
};

// Sets an environment variable for one scope, then puts the old value back.
class ScopedEnv {
  public:
    ScopedEnv(const char* name, const char* value) : name_(name) {
        if (const char* old = std::getenv(name)) {
            old_ = old;
        }
        if (value == nullptr) {
            ::unsetenv(name);
        } else {
            ::setenv(name, value, 1);
        }
    }
    ~ScopedEnv() {
        if (old_) {
            ::setenv(name_.c_str(), old_->c_str(), 1);
        } else {
            ::unsetenv(name_.c_str());
        }
    }

  private:
    std::string name_;
    std::optional<std::string> old_;
};

TEST_F(PostgresDatabaseTest, EachObjectIsADatabaseOfItsOwn) {
    PostgresDatabase a;
    PostgresDatabase b;
    EXPECT_NE(a.name(), b.name());
    EXPECT_NE(a.connection_string(), b.connection_string());
    EXPECT_EQ(a.socket_dir(), b.socket_dir());
    EXPECT_EQ(a.connection_string(),
              "host=" + a.socket_dir() + " user=taskhost_test dbname=" + a.name());
    EXPECT_EQ(databases_named(a.name()), 1);
    EXPECT_EQ(databases_named(b.name()), 1);

    // A table made in one is not in the other.
    Session sa("PostgreSQL", a.connection_string());
    Session sb("PostgreSQL", b.connection_string());
    sa << "CREATE TABLE only_in_a (id BIGINT)", now;
    Poco::Int64 in_a = -1;
    Poco::Int64 in_b = -1;
    sa << "SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_a'", into(in_a), now;
    sb << "SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_a'", into(in_b), now;
    EXPECT_EQ(in_a, 1);
    EXPECT_EQ(in_b, 0);
}

TEST_F(PostgresDatabaseTest, WritesAndReadsBackARowThroughPocoData) {
    PostgresDatabase db;
    Session session("PostgreSQL", db.connection_string());
    session << "CREATE TABLE tasks (id BIGINT PRIMARY KEY, name TEXT NOT NULL, due BIGINT)", now;

    Poco::Int64 id = 7;
    std::string name = "renew 'example.com'";
    Poco::Int64 due = 9007199254740993LL;  // not a double: BIGINT must round-trip exactly
    session << "INSERT INTO tasks (id, name, due) VALUES ($1, $2, $3)", use(id), use(name),
        use(due), now;
    Poco::Int64 null_id = 8;
    Poco::Nullable<Poco::Int64> no_due;
    session << "INSERT INTO tasks (id, name, due) VALUES ($1, 'later', $2)", use(null_id),
        use(no_due), now;

    std::string name_back;
    Poco::Int64 due_back = 0;
    session << "SELECT name, due FROM tasks WHERE id = $1", use(id), into(name_back),
        into(due_back), now;
    EXPECT_EQ(name_back, name);
    EXPECT_EQ(due_back, due);

    Poco::Nullable<Poco::Int64> null_back = Poco::Int64(1);
    session << "SELECT due FROM tasks WHERE id = $1", use(null_id), into(null_back), now;
    EXPECT_TRUE(null_back.isNull());

    // A duplicate key is a StatementException carrying the SQLSTATE.
    try {
        session << "INSERT INTO tasks (id, name) VALUES ($1, 'again')", use(id), now;
        ADD_FAILURE() << "a duplicate key was accepted";
    } catch (const Poco::Data::PostgreSQL::StatementException& e) {
        EXPECT_NE(e.displayText().find("23505"), std::string::npos) << e.displayText();
    }

    // begin/rollback undoes, begin/commit keeps.
    session.begin();
    session << "DELETE FROM tasks", now;
    session.rollback();
    Poco::Int64 count = -1;
    session << "SELECT count(*) FROM tasks", into(count), now;
    EXPECT_EQ(count, 2);
    session.begin();
    session << "DELETE FROM tasks WHERE id = $1", use(null_id), now;
    session.commit();
    session << "SELECT count(*) FROM tasks", into(count), now;
    EXPECT_EQ(count, 1);
}

TEST_F(PostgresDatabaseTest, ServerClockReadsAsEpochMillisIntoInt64) {
    PostgresDatabase db;
    Session session("PostgreSQL", db.connection_string());
    Poco::Int64 millis = 0;
    session << "SELECT (extract(epoch from clock_timestamp())*1000)::bigint", into(millis), now;
    const Poco::Int64 here = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
    EXPECT_GT(millis, 1577836800000LL);  // after 2020-01-01: millis, not seconds
    EXPECT_LT(millis, 4102444800000LL);  // before 2100-01-01: not micros
    EXPECT_LT(std::llabs(millis - here), 60 * 1000) << "server " << millis << ", here " << here;
}

TEST_F(PostgresDatabaseTest, DatabaseIsGoneOnceTheObjectIs) {
    std::string name;
    {
        PostgresDatabase db;
        name = db.name();
        ASSERT_EQ(databases_named(name), 1);
    }
    EXPECT_EQ(databases_named(name), 0);
}

TEST_F(PostgresDatabaseTest, DatabaseIsDroppedWhileASessionIsOpen) {
    std::string name;
    std::optional<Session> open;
    {
        PostgresDatabase db;
        name = db.name();
        open.emplace("PostgreSQL", db.connection_string());
        *open << "CREATE TABLE t (id BIGINT)", now;
    }
    EXPECT_EQ(databases_named(name), 0);
    EXPECT_ANY_THROW((*open << "SELECT 1", now));
}

TEST_F(PostgresDatabaseTest, NoServerIsAFailureThatSaysHowToStartOne) {
    const auto expect_failure = [](const std::string& what) {
        try {
            PostgresDatabase db;
            ADD_FAILURE() << what << ": a database was made: " << db.name();
        } catch (const std::runtime_error& e) {
            const std::string message = e.what();
            EXPECT_NE(message.find("bash tests/support/pg-server.sh start DIR"), std::string::npos)
                << what << ": " << message;
            EXPECT_NE(message.find("TASKHOST_TEST_PG_DIR=DIR"), std::string::npos)
                << what << ": " << message;
        }
    };
    {
        ScopedEnv unset("TASKHOST_TEST_PG_DIR", nullptr);
        expect_failure("TASKHOST_TEST_PG_DIR unset");
    }
    {
        ScopedEnv empty("TASKHOST_TEST_PG_DIR", "/nonexistent/taskhost-pg");
        expect_failure("TASKHOST_TEST_PG_DIR without a server");
    }
    {
        // A socket-dir left behind by a server that is gone.
        taskhost_test::TempDir dir;
        std::ofstream(dir / "socket-dir") << dir.path() << "\n";
        ScopedEnv stale("TASKHOST_TEST_PG_DIR", dir.path().c_str());
        expect_failure("a server that is gone");
    }
}

}  // namespace
