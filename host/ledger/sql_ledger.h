// The ledger on a SQL database through Poco::Data: SQLite in the state directory, PostgreSQL for a
// fleet. Two connections, each used by one thread at a time: the writer (claims, completions and
// the pacing budget's turns, grouped into shared commits) and the reader (plans, dry runs,
// history), so that a long history query never holds up a commit.
#pragma once

#include <chrono>
#include <memory>

#include "ledger/group_commit.h"
#include "ledger/ledger.h"
#include "ledger/ledger_budget.h"
#include "ledger/sql_connection.h"

namespace taskhost {

struct SqlLedgerOptions {
    SqlTarget writer;  // durable commits for intents (group_commit.h)
    SqlTarget reader;
    // How long another host's intent counts as in progress; on this host a process's death is
    // seen at once (process_identity.h).
    std::chrono::milliseconds intent_lease{std::chrono::minutes(15)};
    std::chrono::milliseconds pacing_margin{50};
    bool absent = false;  // read-only, and there is no database yet: an empty ledger
};

class SqlLedger : public Ledger {
  public:
    explicit SqlLedger(SqlLedgerOptions options);

    std::string describe() const override { return options_.writer.display; }
    Result<LedgerVerdict> judge(const TaskIdentity& identity, const ResendPolicy& policy) override;
    Result<LedgerVerdict> claim(const TaskIdentity& identity, const ResendPolicy& policy,
                                const Caller& caller) override;
    Check complete(const TaskIdentity& identity, const LedgerVerdict& claimed, const Caller& caller,
                   const Completion& completion) override;
    Check record_refusal(const TaskIdentity& identity, const Caller& caller,
                         const std::string& reason, const std::string& msg) override;
    Result<std::vector<HistoryRecord>> history(const HistoryQuery& query) override;
    SharedBudget* budget() override { return options_.absent ? nullptr : &budget_; }

    const GroupCommit& commits() const { return group_; }
    // The writer starts from an already open session (see SqlConnection::adopt_session).
    void adopt_writer_session(std::unique_ptr<Poco::Data::Session> session) {
        writer_.adopt_session(std::move(session));
    }

  private:
    SqlLedgerOptions options_;
    SqlConnection writer_;
    SqlConnection reader_;
    GroupCommit group_;
    LedgerBudget budget_;
};

// A history row from what a caller knows.
HistoryRecord history_record(const TaskIdentity& identity, const Caller& caller,
                             WallClock::time_point at, const std::string& status,
                             const std::string& reason, bool in_doubt, const std::string& msg);

}  // namespace taskhost
