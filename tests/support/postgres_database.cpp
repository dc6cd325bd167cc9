#include "postgres_database.h"

#include <libpq-fe.h>
#include <unistd.h>

#include <Poco/Data/PostgreSQL/Connector.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <mutex>
#include <random>
#include <sstream>
#include <stdexcept>

namespace taskhost_test {

namespace {

constexpr const char* kRole = "taskhost_test";

const char* const kHowTo =
    "The test needs the suite's PostgreSQL server. ctest starts it (fixture PostgreSQL, test "
    "postgresql_server_start) for tests registered with taskhost_requires_postgresql(). To run a "
    "test binary by hand: bash tests/support/pg-server.sh start DIR, then set "
    "TASKHOST_TEST_PG_DIR=DIR (and bash tests/support/pg-server.sh stop DIR when done).";

[[noreturn]] void fail(const std::string& why) {
    throw std::runtime_error("PostgresDatabase: " + why + ". " + kHowTo);
}

// Poco's connector splits a connection string at every space and knows no quotes: values are
// used as they are.
std::string conninfo(const std::string& socket_dir, const std::string& dbname) {
    return "host=" + socket_dir + " user=" + kRole + " dbname=" + dbname;
}

// The socket directory pg-server.sh wrote to $TASKHOST_TEST_PG_DIR/socket-dir.
std::string read_socket_dir() {
    const char* dir = std::getenv("TASKHOST_TEST_PG_DIR");
    if (dir == nullptr || *dir == '\0') {
        fail("TASKHOST_TEST_PG_DIR is not set");
    }
    const std::string file = std::string(dir) + "/socket-dir";
    std::ifstream in(file);
    std::string socket_dir;
    if (!in || !std::getline(in, socket_dir) || socket_dir.empty()) {
        fail("no server in TASKHOST_TEST_PG_DIR=" + std::string(dir) + " (cannot read " + file +
             ")");
    }
    if (socket_dir.find_first_of(" \t\r\n'\\") != std::string::npos) {
        fail("the socket directory \"" + socket_dir +
             "\" has spaces or quotes, which Poco's connection strings cannot hold (pg-server.sh "
             "puts such a server under /tmp: start it again)");
    }
    return socket_dir;
}

// One statement on the maintenance database "postgres", through libpq itself: the setup must not
// inherit the connector's quirks (Poco leaks the connection when a connect fails). Returns an
// error message, empty on success.
std::string run_on_server(const std::string& socket_dir, const std::string& sql) {
    const std::string info = conninfo(socket_dir, "postgres") + " connect_timeout=10";
    PGconn* connection = PQconnectdb(info.c_str());
    std::string error;
    if (connection == nullptr || PQstatus(connection) != CONNECTION_OK) {
        error = "cannot connect to the server at " + socket_dir + ": " +
                (connection ? PQerrorMessage(connection) : "out of memory");
    } else {
        PGresult* result = PQexec(connection, sql.c_str());
        if (PQresultStatus(result) != PGRES_COMMAND_OK) {
            error = sql + ": " + PQresultErrorMessage(result);
        }
        PQclear(result);
    }
    PQfinish(connection);
    while (!error.empty() && (error.back() == '\n' || error.back() == ' ')) {
        error.pop_back();
    }
    return error;
}

std::string unique_name() {
    static std::atomic<unsigned> counter{0};
    static std::mt19937_64 random{std::random_device{}()};
    static std::mutex random_mutex;
    std::uint32_t r;
    {
        std::lock_guard<std::mutex> lock(random_mutex);
        r = static_cast<std::uint32_t>(random());
    }
    std::ostringstream name;
    name << "t_" << ::getpid() << '_' << counter++ << '_' << std::hex << r;
    return name.str();
}

}  // namespace

PostgresDatabase::PostgresDatabase() : socket_dir_(read_socket_dir()), name_(unique_name()) {
    // name_ is made of [a-z0-9_] only: usable as an identifier as it is.
    const std::string error = run_on_server(socket_dir_, "CREATE DATABASE " + name_);
    if (!error.empty()) {
        fail(error);
    }
    connection_string_ = conninfo(socket_dir_, name_);
    // Poco::Data sessions on it need the connector; register it once for every test.
    static std::once_flag once;
    std::call_once(once, [] { Poco::Data::PostgreSQL::Connector::registerConnector(); });
}

PostgresDatabase::~PostgresDatabase() {
    // WITH (FORCE): sessions a test left open are closed, not a reason to keep the database.
    const std::string error =
        run_on_server(socket_dir_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    if (!error.empty()) {
        // A leftover database dies with the throwaway server: say so, do not throw.
        std::cerr << "PostgresDatabase: could not drop database " << name_ << ": " << error
                  << std::endl;
    }
}

std::string PostgresDatabase::server_connection_string() {
    return conninfo(read_socket_dir(), "postgres");
}

}  // namespace taskhost_test
