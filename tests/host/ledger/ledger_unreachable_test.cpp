// A PostgreSQL ledger that cannot be reached: the error names the ledger and says nothing was
// sent; the password (from its 0600 file) never appears in any error; a password file others may
// read is refused.
#include <Poco/Exception.h>
#include <gtest/gtest.h>

#include "host_test_support.h"
#include "ledger/open_ledger.h"
#include "ledger/sql_connection.h"
#include "postgres_database.h"

namespace taskhost_test {
namespace {

using namespace taskhost;

constexpr const char* kCanaryPassword = "CANARY-PASSWORD-4b9e1d";

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

HostConfig postgresql_config(const std::string& host, const std::string& dbname) {
    HostConfig config;
    config.state_dir = "/nonexistent/state";  // a PostgreSQL ledger never touches it to connect
    config.ledger.backend = LedgerSettings::Backend::kPostgresql;
    config.ledger.postgresql.host = host;
    config.ledger.postgresql.dbname = dbname;
    config.ledger.postgresql.user = "taskhost_test";
    config.ledger.postgresql.connect_timeout_seconds = 3;
    return config;
}

TEST(LedgerUnreachable, NoServerNamesTheLedgerAndSaysNothingWasSent) {
    const TempDir no_server;  // a socket directory nobody listens in
    const HostConfig config = postgresql_config(no_server.path(), "taskhost");
    for (LedgerAccess access :
         {LedgerAccess::kMigrate, LedgerAccess::kReadWrite, LedgerAccess::kReadOnly}) {
        const Result<OpenedLedger> opened = open_ledger(config, "", access);
        ASSERT_FALSE(opened.ok());
        const std::string text = opened.error().text();
        EXPECT_TRUE(contains(text, "PostgreSQL ledger " + no_server.path() + ":5432/taskhost"))
            << text;
        EXPECT_TRUE(contains(text, "cannot be reached")) << text;
        EXPECT_TRUE(contains(text, "nothing was sent")) << text;
    }
}

TEST(LedgerUnreachable, ThePasswordNeverAppearsInAnError) {
    const TempDir dir;
    const std::string password_file = dir / "pg-password";
    write_file(password_file, std::string(kCanaryPassword) + "\n", 0600);
    const PostgresDatabase db;  // a real server, for the "no such database" case
    const std::vector<std::pair<std::string, std::string>> targets = {
        {dir.path(), "taskhost"},           // no server in that socket directory
        {"127.0.0.1", "taskhost"},          // nothing listens on port 1 (below)
        {db.socket_dir(), "no_such_db_7"},  // the server answers: no such database
    };
    for (const auto& [host, dbname] : targets) {
        HostConfig config = postgresql_config(host, dbname);
        config.ledger.postgresql.password_file = password_file;
        if (host == "127.0.0.1") {
            config.ledger.postgresql.port = 1;
        }
        for (LedgerAccess access : {LedgerAccess::kMigrate, LedgerAccess::kReadWrite}) {
            const Result<OpenedLedger> opened = open_ledger(config, "", access);
            ASSERT_FALSE(opened.ok()) << host;
            const std::string text = opened.error().text();
            EXPECT_TRUE(contains(text, "nothing was sent")) << text;
            EXPECT_FALSE(contains(text, kCanaryPassword)) << text;
            EXPECT_FALSE(contains(text, "CANARY")) << text;
        }
    }
}

TEST(LedgerUnreachable, APasswordTheConnectorCannotPassIsRefusedWithoutShowingIt) {
    const TempDir dir;
    const std::string password_file = dir / "pg-password";
    write_file(password_file, std::string(kCanaryPassword) + " with spaces\n", 0600);
    HostConfig config = postgresql_config(dir.path(), "taskhost");
    config.ledger.postgresql.password_file = password_file;
    const Result<OpenedLedger> opened = open_ledger(config, "", LedgerAccess::kMigrate);
    ASSERT_FALSE(opened.ok());
    const std::string text = opened.error().text();
    EXPECT_TRUE(contains(text, "ledger PostgreSQL password")) << text;
    EXPECT_FALSE(contains(text, "CANARY")) << text;
}

// The connector's messages are scrubbed of the secret before any error carries them.
TEST(LedgerUnreachable, ADatabaseMessageNeverCarriesTheSecret) {
    const Poco::Exception error("connection to server failed",
                                std::string("host=db password=") + kCanaryPassword + " user=x");
    const std::string text = database_message(error, kCanaryPassword);
    EXPECT_FALSE(contains(text, kCanaryPassword)) << text;
    EXPECT_TRUE(contains(text, "password=[redacted] user=x")) << text;
}

TEST(LedgerUnreachable, APasswordFileOthersMayReadIsRefused) {
    const TempDir dir;
    const std::string password_file = dir / "pg-password";
    write_file(password_file, std::string(kCanaryPassword) + "\n", 0644);
    const PostgresDatabase db;
    HostConfig config = postgresql_config(db.socket_dir(), db.name());
    config.ledger.postgresql.password_file = password_file;
    const Result<OpenedLedger> opened = open_ledger(config, "", LedgerAccess::kMigrate);
    ASSERT_FALSE(opened.ok());
    const std::string text = opened.error().text();
    EXPECT_TRUE(contains(text, "ledger password file " + password_file)) << text;
    EXPECT_TRUE(contains(text, "chmod 600 " + password_file)) << text;
    EXPECT_FALSE(contains(text, kCanaryPassword)) << text;

    // The same file made private is accepted (the server trusts the role: the password is unused).
    write_file(password_file, std::string(kCanaryPassword) + "\n", 0600);
    const Result<OpenedLedger> fixed = open_ledger(config, "", LedgerAccess::kMigrate);
    EXPECT_TRUE(fixed.ok()) << fixed.error().text();
}

}  // namespace
}  // namespace taskhost_test
