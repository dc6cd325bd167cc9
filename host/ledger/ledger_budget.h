// The pacing budget in the ledger: every turn any process sharing the ledger takes on a bucket is
// a row, pending until its answer, so every process sees both of a key's windows whole. Times are
// the database's clock (on a fleet, PostgreSQL's), so hosts' clocks do not matter; a take locks
// the bucket's row for its transaction (SQLite: the write lock), so two processes never both take
// the last place in a window. A pending turn whose process died stops counting after its expiry.
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <string>

#include "ledger/group_commit.h"
#include "ledger/sql_connection.h"
#include "pacing/shared_budget.h"

namespace taskhost {

class LedgerBudget : public SharedBudget {
  public:
    // On the ledger's writing connection and in its group commits: a turn taken or answered
    // shares the transaction of the claims and completions ready at the same moment (and on
    // SQLite one connection never finds its page cache stale from another's writes).
    LedgerBudget(SqlConnection& connection, GroupCommit& group, std::chrono::milliseconds margin);
    ~LedgerBudget() override;  // gives back reserved turns it never handed out

    Turn take(const std::string& bucket, const std::vector<RateWindow>& windows,
              const std::function<bool()>& cancelled, std::optional<Clock::time_point> deadline,
              uint64_t* turn) override;
    void complete(const std::string& bucket, uint64_t turn) override;
    void throttled(const std::string& bucket, std::chrono::milliseconds hold) override;
    Turn await_room(const std::string& bucket, const std::vector<RateWindow>& windows,
                    const std::function<bool()>& cancelled) override;

    // Why the last kUnavailable happened (for the task's log line).
    std::string last_error() const;

  private:
    // One look at the bucket; takes a turn when `take` and one fits now. Returns the time the
    // next turn fits (nullopt: only an answer frees one), with `now_ms` and `*turn` set.
    Check look(const std::string& bucket, const std::vector<RateWindow>& windows, bool take,
               std::optional<int64_t>& next, int64_t& now_ms, uint64_t* turn);
    Turn wait(const std::string& bucket, const std::vector<RateWindow>& windows, bool take,
              const std::function<bool()>& cancelled, std::optional<Clock::time_point> deadline,
              uint64_t* turn);

    // Turns taken ahead of need while every window has much room (reserve_count in the .cpp),
    // handed out from here for a moment without a transaction. They count in every process's
    // windows from the moment they were taken, so reserving is never looser than taking one by
    // one; the ones not handed out in time are given back at the next look.
    struct Reserve {
        std::deque<uint64_t> turns;
        Clock::time_point until;
    };
    bool take_reserved(const std::string& bucket, uint64_t* turn);
    bool has_reserve(const std::string& bucket);
    std::vector<uint64_t> drop_reserve(const std::string& bucket, bool even_fresh);
    void keep_reserve(const std::string& bucket, std::vector<uint64_t> turns);

    SqlConnection& connection_;
    GroupCommit& group_;
    const std::chrono::milliseconds margin_;
    mutable std::mutex error_mutex_;
    std::string last_error_;
    std::mutex reserve_mutex_;
    std::map<std::string, Reserve> reserves_;
    std::atomic<int64_t> turns_taken_{0};  // by this process, every bucket: caps a reserve
};

}  // namespace taskhost
