// One set of ledger tests, run on each backend: SQLite in a temp state directory and a fresh
// database on the suite's throwaway PostgreSQL server (tests/support/postgres_database.h).
// Helpers for what every test needs: a config naming the backend, a ledger opened (migrated first)
// as a process would, SQL run straight on the database, task identities and callers.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <ostream>
#include <string>

#include "config/host_config.h"
#include "ledger/ledger.h"
#include "ledger/open_ledger.h"
#include "postgres_database.h"
#include "temp_dir.h"

namespace taskhost_test {

enum class LedgerBackend { kSqlite, kPostgresql };

// "SQLite" / "PostgreSQL": the parameter's part of each test's name.
std::string ledger_backend_name(const testing::TestParamInfo<LedgerBackend>& info);
// How gtest prints the parameter ("where GetParam() = SQLite").
void PrintTo(LedgerBackend backend, std::ostream* out);

// A task identity as the task runner builds it: resend_dcv of `subject` on `account`, with the
// journal key and params digest computed from canonical params {"domain": subject}.
taskhost::TaskIdentity test_identity(const std::string& account, const std::string& subject);

// This process as the caller (its owner is alive), with `task_id`.
taskhost::Caller test_caller(const std::string& task_id = "task-1");

class LedgerBackendTest : public testing::TestWithParam<LedgerBackend> {
  protected:
    void SetUp() override;

    bool postgresql() const { return GetParam() == LedgerBackend::kPostgresql; }
    // STATE_DIR (not created: open_ledger creates it).
    std::string state_dir() const { return dir_ / "state"; }
    std::string sqlite_path() const { return state_dir() + "/ledger.sqlite"; }
    // A config naming this backend: SQLite in state_dir(), or the test's PostgreSQL database.
    taskhost::HostConfig config() const;

    taskhost::Result<taskhost::OpenedLedger> open(taskhost::LedgerAccess access) const;
    // Migrates, then opens for reading and writing (as `run` does); throws on any error, which
    // fails the test with the error's text.
    std::unique_ptr<taskhost::Ledger> open_migrated() const;

    // Runs one statement on the backend's database through a connection of its own.
    void execute_sql(const std::string& statement) const;

    TempDir dir_;
    std::unique_ptr<PostgresDatabase> pg_;
};

}  // namespace taskhost_test
