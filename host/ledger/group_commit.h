// Group commit: the writes that callers have ready at the same moment go into one transaction and
// one durable commit. The first caller to arrive while no commit runs leads: it takes every write
// queued so far, runs them in order of their keys (so that two processes lock rows in one order
// and never deadlock), commits, and wakes their callers; writes that arrived meanwhile form the
// next group, led by the first of them as soon as this one has committed (its sync to disk, on
// SQLite, overlaps the next group's statements). Each caller returns only when its own
// write is committed (or failed with the group). Each caller sleeps on its own condition and is
// woken once, when its group is committed or when it is to lead: waking every waiter for every
// commit cost more futex calls than any statement (issue 8's profile).
// Inside the transaction the group's writes share one WriteBatch: the journal rows they name are
// fetched (and locked) together, and what they change is written a statement per kind.
#pragma once

#include <Poco/Data/Session.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "ledger/ledger_records.h"
#include "ledger/sql_connection.h"
#include "ledger/wal_sync.h"
#include "ledger/write_batch.h"

namespace taskhost {

class GroupCommit {
  public:
    // A write: runs inside the group's transaction with the database clock read once for the
    // group, after the journal rows the group wants are in `batch`; adds what it changes to
    // `batch` (or runs its own statements on `db`). Throws (Poco or HostErrorException) to fail
    // the whole group.
    using Write = std::function<void(Poco::Data::Session& db, int64_t now_ms, WriteBatch& batch)>;

    explicit GroupCommit(SqlConnection& connection);

    // `key` orders the writes of a group; `wants`, when set, is the journal row the write reads
    // (batch.entry(wants->key)). Returns when the write is committed: durably when `durable`
    // or another write of its group is (an intent), else at least safe from a kill of this
    // process (see SqlConnection::Commit).
    Check run(const std::string& key, Write write, const TaskIdentity* wants = nullptr,
              bool durable = true);

    // A write that no caller waits for: it goes into the next group that a caller of run()
    // leads (in key order with the rest), or into flush(); it is lost, unreported, if that
    // group fails or the process ends first. For what only makes others more careful until it
    // is written (a pacing turn's answer: the turn counts as pending until then).
    void ride(const std::string& key, Write write);
    // Commits what rides, if anything does (before a process lets its connection go).
    void flush();

    uint64_t commits() const;
    uint64_t writes() const;

  private:
    struct Pending {
        const std::string* key;
        Write* write;
        bool rides = false;  // ride(): owns its key and write, nobody waits
        std::string own_key;
        Write own_write;
        const TaskIdentity* wants;
        bool durable;
        // Under `mutex` (set by the leader; read by the caller). The leader holds the Pending
        // (shared) until it has signalled it, so it signals after unlocking: the woken caller
        // finds the mutex free instead of blocking on it once more.
        std::mutex mutex;
        std::condition_variable wake;
        Check result;
        bool done = false;
        bool lead = false;
    };

    // Takes the queue (the caller's own write is in it), commits it, wakes its callers and hands
    // the lead to the next queued caller (one that waits: a rider never leads).
    void lead();
    // The lead passed to the next queued caller that waits, or given up. True when the next
    // group holds a durable write.
    bool hand_on(size_t written);
    static void signal(Pending& pending, const Check& result);

    SqlConnection& connection_;
    // SQLite: durable commits are relaxed ones plus a sync of the WAL after the lead is handed
    // on, so that the next group's statements run while the disk works (wal_sync.h).
    std::unique_ptr<WalSync> wal_sync_;
    mutable std::mutex mutex_;  // the queue, leading_ and the counts; taken before a Pending's
    std::deque<std::shared_ptr<Pending>> queue_;
    bool leading_ = false;
    uint64_t commits_ = 0;
    uint64_t writes_ = 0;
};

}  // namespace taskhost
