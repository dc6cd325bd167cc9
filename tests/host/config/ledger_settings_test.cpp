// The config's "ledger" section and an account's "resend_interval": what is read, and every
// refusal naming the file, the JSON path and the fix, never a password.
#include <gtest/gtest.h>

#include "config/host_config.h"

namespace taskhost {
namespace {

const std::string kPath = "/etc/taskhost/config.json";

Result<HostConfig> parse(const std::string& ledger) {
    return parse_host_config("{\"ledger\": " + ledger + "}", kPath);
}

HostError error_of(const std::string& ledger) {
    Result<HostConfig> config = parse(ledger);
    EXPECT_FALSE(config.ok()) << "accepted: " << ledger;
    return config.ok() ? HostError{} : config.error();
}

TEST(LedgerSettings, DefaultIsSqliteInTheStateDirectory) {
    Result<HostConfig> config = parse_host_config("{}", kPath);
    ASSERT_TRUE(config.ok()) << config.error().text();
    EXPECT_EQ(config.value().ledger.backend, LedgerSettings::Backend::kSqlite);
    EXPECT_EQ(config.value().ledger.sqlite_path, "");
    Result<HostConfig> own = parse(R"({"sqlite": {"path": "state/l.sqlite"}})");
    ASSERT_TRUE(own.ok()) << own.error().text();
    EXPECT_EQ(own.value().ledger.sqlite_path, "/etc/taskhost/state/l.sqlite");
}

TEST(LedgerSettings, ReadsPostgresqlWithRelativePathsFromTheConfigsDirectory) {
    Result<HostConfig> config = parse(R"({"postgresql": {"host": "db.example", "port": 6432,
        "dbname": "taskhost", "user": "th", "password_file": "pg-password",
        "sslmode": "verify-full", "sslrootcert": "ca.pem", "connect_timeout_seconds": 3}})");
    ASSERT_TRUE(config.ok()) << config.error().text();
    const PostgresSettings& pg = config.value().ledger.postgresql;
    EXPECT_EQ(config.value().ledger.backend, LedgerSettings::Backend::kPostgresql);
    EXPECT_EQ(pg.host, "db.example");
    EXPECT_EQ(pg.port, 6432);
    EXPECT_EQ(pg.password_file, "/etc/taskhost/pg-password");
    EXPECT_EQ(pg.sslrootcert, "/etc/taskhost/ca.pem");
    EXPECT_EQ(pg.connect_timeout_seconds, 3);
}

TEST(LedgerSettings, RefusesAPasswordInTheConfigWithoutEchoingIt) {
    const HostError e = error_of(
        R"({"postgresql": {"host": "h", "dbname": "d", "user": "u", "password": "s3cret-canary"}})");
    EXPECT_EQ(e.where, kPath + ": $.ledger.postgresql.password");
    EXPECT_NE(e.fix.find("password_file"), std::string::npos);
    EXPECT_EQ(e.text().find("s3cret-canary"), std::string::npos);
}

TEST(LedgerSettings, RefusesWhatItCannotUseNamingThePath) {
    EXPECT_EQ(error_of(R"({"sqlite": {}, "postgresql": {}})").where, kPath + ": $.ledger");
    EXPECT_EQ(error_of(R"({})").where, kPath + ": $.ledger");
    EXPECT_EQ(error_of(R"({"mysql": {}})").where, kPath + ": $.ledger.mysql");
    EXPECT_EQ(error_of(R"({"postgresql": {"host": "h", "dbname": "d"}})").where,
              kPath + ": $.ledger.postgresql");
    EXPECT_EQ(error_of(R"({"postgresql": {"host": "h", "dbname": "d", "user": "u",
                           "sslmode": "sometimes"}})")
                  .where,
              kPath + ": $.ledger.postgresql.sslmode");
    EXPECT_EQ(
        error_of(R"({"postgresql": {"host": "h", "dbname": "d", "user": "u", "port": 0}})").where,
        kPath + ": $.ledger.postgresql.port");
    EXPECT_EQ(error_of(R"({"postgresql": {"host": "h", "dbname": "d", "user": "u",
                           "password_file": "f", "password_env": "E"}})")
                  .where,
              kPath + ": $.ledger.postgresql");
    EXPECT_EQ(error_of(R"("sqlite")").where, kPath + ": $.ledger");
}

TEST(LedgerSettings, AnAccountsResendIntervalIsTheHostsNotThePlugins) {
    Result<HostConfig> config = parse_host_config(
        R"({"accounts": {"a": {"api_key_env": "K", "resend_interval": "1h30m", "region": "us"}}})",
        kPath);
    ASSERT_TRUE(config.ok()) << config.error().text();
    const AccountConfig& a = config.value().accounts.at("a");
    ASSERT_TRUE(a.resend_interval.has_value());
    EXPECT_EQ(*a.resend_interval, std::chrono::minutes(90));
    EXPECT_FALSE(a.connection->has("resend_interval"));
    Result<HostConfig> bad = parse_host_config(
        R"({"accounts": {"a": {"api_key_env": "K", "resend_interval": "a day"}}})", kPath);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().where, kPath + ": $.accounts.a.resend_interval");
    EXPECT_NE(bad.error().fix.find("24h"), std::string::npos);
}

}  // namespace
}  // namespace taskhost
