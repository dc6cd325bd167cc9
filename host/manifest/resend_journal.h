// The journal of resends, one small JSON file per (account, task, normalised params) under
// STATE_DIR/journal/, each written atomically (atomic_file.h). One file per entry, not one file
// for all: a write costs the same for the 10th and the 10,000th entry, and concurrent workers
// never rewrite each other's entries.
//
// Around each real send an apply records two durable facts:
//   1. intent ("sending_since") before the plugin is called,
//   2. completion ("last_sent_at", intent cleared) after DigiCert accepted the resend, or the
//      intent cleared with "last_result" when it was not accepted (failed, skipped, cancelled).
// A kill -9 between 1 and 2 leaves an intent without a completion: the resend is IN DOUBT (it
// may or may not have reached DigiCert). The next apply sends it again and reports it as
// "in_doubt": a second DCV email is a nuisance, a missing one blocks a certificate. A task
// whose completion is recorded is never sent again within its interval.
//
// The journal never holds an API key: entries hold the account's name, the task, the params.
// Only one apply may write a state directory at a time (an flock on STATE_DIR/apply.lock).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "util/host_error.h"

namespace taskhost {

using WallClock = std::chrono::system_clock;

struct JournalEntry {
    std::string key;  // journal_key(): the file name, without ".json"
    std::string account;
    std::string task;
    std::string canonical_params;  // canonical JSON (journal_key.h)
    std::string manifest;          // the manifest task that wrote it last: file and name
    std::string name;
    std::optional<WallClock::time_point> last_sent_at;   // the last completed resend
    std::optional<WallClock::time_point> sending_since;  // an intent without its completion
    std::optional<std::string> last_result;              // "failed", "skipped", "cancelled"
    std::optional<WallClock::time_point> last_result_at;
};

class ResendJournal {
  public:
    ~ResendJournal();
    ResendJournal(const ResendJournal&) = delete;
    ResendJournal& operator=(const ResendJournal&) = delete;

    // For apply: creates STATE_DIR/journal (0700) when missing, refuses a state directory
    // others may write, takes the apply lock (an error names the pid holding it), and removes
    // temp files a killed apply left.
    static Result<std::unique_ptr<ResendJournal>> open_for_apply(const std::string& state_dir);
    // For plan: reads only, no lock; a missing state directory is an empty journal.
    static Result<std::unique_ptr<ResendJournal>> open_for_plan(const std::string& state_dir);

    // The entry for `key`, nullopt when there is none. A damaged entry is an error naming the
    // file (apply does not guess: it does not send that task).
    Result<std::optional<JournalEntry>> read(const std::string& key) const;

    // Durable when it returns without error. `entry` carries the identity fields.
    Check record_intent(JournalEntry entry, WallClock::time_point now);
    Check record_sent(JournalEntry entry, WallClock::time_point now);
    Check record_not_sent(JournalEntry entry, const std::string& result, WallClock::time_point now);

    const std::string& directory() const { return dir_; }

  private:
    ResendJournal(std::string dir, int lock_fd) : dir_(std::move(dir)), lock_fd_(lock_fd) {}
    Check write(const JournalEntry& entry);

    std::string dir_;
    int lock_fd_ = -1;
};

// "2025-01-31T12:00:00.250Z" and back (nullopt when it is not that shape).
std::string format_utc(WallClock::time_point at);
std::optional<WallClock::time_point> parse_utc(const std::string& text);

}  // namespace taskhost
