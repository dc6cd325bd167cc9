#include "ledger_backend_fixture.h"

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Exception.h>

#include <mutex>
#include <stdexcept>

#include "ledger/journal_key.h"
#include "ledger/process_identity.h"

namespace taskhost_test {

using namespace taskhost;

std::string ledger_backend_name(const testing::TestParamInfo<LedgerBackend>& info) {
    return info.param == LedgerBackend::kSqlite ? "SQLite" : "PostgreSQL";
}

void PrintTo(LedgerBackend backend, std::ostream* out) {
    *out << (backend == LedgerBackend::kSqlite ? "SQLite" : "PostgreSQL");
}

TaskIdentity test_identity(const std::string& account, const std::string& subject) {
    TaskIdentity id;
    id.account = account;
    id.task = "resend_dcv";
    id.canonical_params = "{\"domain\":\"" + subject + "\"}";
    id.key = journal_key(id.account, id.task, id.canonical_params);
    id.params_digest = params_digest(id.canonical_params);
    id.name = "resend " + subject;
    id.subject_name = subject;
    id.subject_id = "id-" + subject;
    return id;
}

Caller test_caller(const std::string& task_id) {
    return this_process_caller(TaskSource::kRun, task_id);
}

void LedgerBackendTest::SetUp() {
    if (postgresql()) {
        pg_ = std::make_unique<PostgresDatabase>();
    }
}

HostConfig LedgerBackendTest::config() const {
    HostConfig config;
    config.path = dir_ / "config.json";
    config.plugin_dir = dir_ / "plugins";
    config.state_dir = state_dir();
    config.ledger.where = "CONFIG: $.ledger";
    if (postgresql()) {
        config.ledger.backend = LedgerSettings::Backend::kPostgresql;
        config.ledger.postgresql.host = pg_->socket_dir();
        config.ledger.postgresql.dbname = pg_->name();
        config.ledger.postgresql.user = "taskhost_test";
        config.ledger.postgresql.connect_timeout_seconds = 5;
    }
    return config;
}

Result<OpenedLedger> LedgerBackendTest::open(LedgerAccess access) const {
    return open_ledger(config(), "", access);
}

std::unique_ptr<Ledger> LedgerBackendTest::open_migrated() const {
    for (LedgerAccess access : {LedgerAccess::kMigrate, LedgerAccess::kReadWrite}) {
        Result<OpenedLedger> opened = open(access);
        if (!opened.ok()) {
            throw std::runtime_error("open_ledger: " + opened.error().text());
        }
        if (access == LedgerAccess::kReadWrite) {
            return std::move(opened.value().ledger);
        }
    }
    return nullptr;
}

void LedgerBackendTest::execute_sql(const std::string& statement) const {
    static std::once_flag once;
    std::call_once(once, [] {
        Poco::Data::SQLite::Connector::registerConnector();
        Poco::Data::PostgreSQL::Connector::registerConnector();
    });
    try {
        Poco::Data::Session session(postgresql() ? "PostgreSQL" : "SQLite",
                                    postgresql() ? pg_->connection_string() : sqlite_path());
        session << statement, Poco::Data::Keywords::now;
    } catch (const Poco::Exception& error) {
        throw std::runtime_error(statement + ": " + error.displayText());
    }
}

}  // namespace taskhost_test
