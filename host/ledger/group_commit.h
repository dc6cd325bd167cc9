// Group commit: the writes that callers have ready at the same moment go into one transaction and
// one durable commit. The first caller to arrive while no commit runs leads: it takes every write
// queued so far, runs them in order of their keys (so that two processes lock rows in one order
// and never deadlock), commits, and wakes their callers; writes that arrived meanwhile form the
// next group. Each caller returns only when its own write is durable (or failed with the group).
#pragma once

#include <Poco/Data/Session.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>

#include "ledger/sql_connection.h"

namespace taskhost {

class GroupCommit {
  public:
    // A write: runs inside the group's transaction with the database clock read once for the
    // group. Throws (Poco or HostErrorException) to fail the whole group.
    using Write = std::function<void(Poco::Data::Session& db, int64_t now_ms)>;

    explicit GroupCommit(SqlConnection& connection) : connection_(connection) {}

    // `key` orders the writes of a group. Returns when the write is durable.
    Check run(const std::string& key, Write write);

    uint64_t commits() const;
    uint64_t writes() const;

  private:
    struct Pending {
        const std::string* key;
        Write* write;
        Check result;
        bool done = false;
    };

    void lead(std::unique_lock<std::mutex>& lock);

    SqlConnection& connection_;
    mutable std::mutex mutex_;
    std::condition_variable done_;
    std::deque<Pending*> queue_;
    bool leading_ = false;
    uint64_t commits_ = 0;
    uint64_t writes_ = 0;
};

}  // namespace taskhost
