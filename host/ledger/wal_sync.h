// Durability for SQLite's WAL outside its write lock. With synchronous = FULL, SQLite fsyncs the
// WAL inside COMMIT, holding the database's one write lock meanwhile: every other writer of the
// host waits for the disk (issue 8's measure: about 0.9 ms per commit, most of an apply's time on
// an ordinary disk). Instead an intent's transaction commits relaxed (the WAL written, the lock
// released at once) and its caller waits here until one fdatasync of the WAL file, issued after
// its commit, has returned: the WAL is synced whole, so one sync makes every commit before it
// durable, whoever made it, and the next group's statements run while the disk works.
//
// Why this is the same guarantee as FULL: a committed transaction is in the WAL file (frames
// and, after a restart of the WAL, its header) in the OS's page cache when COMMIT returns;
// fdatasync of the file (any descriptor of it) puts all of it on the disk, size included. A
// checkpoint in NORMAL mode syncs the WAL before copying it and the database file after. The
// directory is synced once, the first time, so that a newly created WAL file's name is durable.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>

#include "util/host_error.h"

namespace taskhost {

class WalSync {
  public:
    explicit WalSync(std::string wal_path) : wal_path_(std::move(wal_path)) {}
    ~WalSync();
    WalSync(const WalSync&) = delete;
    WalSync& operator=(const WalSync&) = delete;

    // Call after each commit: its number, to pass to sync_through.
    uint64_t committed();
    // Returns once a sync issued after commit `commit` has completed (joining one that is under
    // way when it was issued late enough, else issuing one). `next_durable`: another durable
    // commit is about to be made (the next group holds intents); a sync this call issues then
    // waits for it (at most 2 ms), so that one sync serves both: each fdatasync costs about half
    // a millisecond of CPU on the VMs measured, not only its wait (PostgreSQL's commit_delay).
    Check sync_through(uint64_t commit, bool next_durable = false);

  private:
    Check sync_once();  // fdatasync of the WAL (opened, and its directory synced, the first time)

    const std::string wal_path_;
    std::mutex mutex_;
    std::condition_variable synced_;
    uint64_t committed_ = 0;  // commits made so far
    uint64_t durable_ = 0;    // every commit up to this one is on the disk
    bool syncing_ = false;
    uint64_t syncing_through_ = 0;  // what the sync under way covers
    int fd_ = -1;
};

}  // namespace taskhost
