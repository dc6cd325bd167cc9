// What the ledger holds, as values: a task's identity (what makes two sends "the same"), the
// journal's entry for it, the verdict on sending it again, the caller, and the history's rows.
// No API key appears in any of them: an account is named, a bucket is the plugin's hash.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ledger/utc_time.h"

namespace taskhost {

// Who sent, or did not send: for the history, and to tell a live intent from a dead one.
enum class TaskSource { kRun, kApi, kPlan, kApply, kWatch };
const char* task_source_name(TaskSource source);

struct Caller {
    TaskSource source = TaskSource::kRun;
    std::string host;     // gethostname()
    int64_t uid = 0;      // the caller's uid: the daemon reports its client's
    int64_t pid = 0;      // the caller's pid: the daemon reports its client's
    std::string owner;    // "host/pid/start time" of the process that sends: its intents
    std::string task_id;  // the task's id as its caller named it
};

// One send as the journal and the history know it.
struct TaskIdentity {
    std::string key;  // journal_key(): 64 hex digits over account, task, canonical params
    std::string account;
    std::string task;
    std::string canonical_params;
    std::string params_digest;  // the first 16 hex digits of SHA-256(canonical params)
    std::string manifest;       // the manifest task that wrote it last (file), if any
    std::string name;           // the manifest task's name, or the task's id
    std::string subject_id;     // what the task acts on, as its plugin names it (a domain id)
    std::string subject_name;   // (a domain name); either may be empty
};

struct JournalEntry {
    TaskIdentity identity;
    std::optional<WallClock::time_point> last_sent_at;   // the last completed send
    std::optional<WallClock::time_point> sending_since;  // an intent without its completion
    std::string sending_owner;                           // its process: "host/pid/start"
    std::optional<WallClock::time_point> lease_until;    // after this, a foreign intent is dead
    std::optional<std::string> last_result;              // "sent", "failed", "skipped", ...
    std::optional<WallClock::time_point> last_result_at;
    bool last_in_doubt = false;  // the last send ended without knowing whether it arrived
};

// How the caller wants the journal to judge: a resend interval (none: send every time, still
// journaled) and force (send whatever the journal says).
struct ResendPolicy {
    std::optional<std::chrono::seconds> interval;
    bool force = false;
};

struct LedgerVerdict {
    enum class Action { kSend, kWithinInterval, kInProgress } action = Action::kSend;
    // kSend: "never_sent", "interval_passed", "no_interval", "forced", "in_doubt",
    // "last_sent_in_future";
    // kWithinInterval: "within_interval"; kInProgress: "in_progress" (another live caller holds
    // an intent for the same task right now).
    std::string reason = "never_sent";
    bool in_doubt = false;  // an intent without completion: a caller died mid-send
    std::optional<WallClock::time_point> last_sent_at;
    std::optional<WallClock::time_point> next_due_at;
    std::optional<WallClock::time_point> sending_since;
    std::string sending_owner;
};

// What happened to a claimed send.
struct Completion {
    std::string status;  // the outcome's status: "succeeded", "failed", "skipped", "cancelled"
    bool sent = false;   // accepted by the server: the journal's last_sent_at moves
    bool in_doubt = false;
    std::string msg;         // the outcome's msg, shortened
    std::string subject_id;  // learned by the plugin (a resolved domain), if any
    std::string subject_name;
};

struct HistoryRecord {
    int64_t id = 0;
    WallClock::time_point at;
    std::string account;
    std::string task;
    std::string task_id;
    std::string subject_id;
    std::string subject_name;
    std::string params_digest;
    std::string status;  // "succeeded", "failed", "skipped", "cancelled", "refused"
    std::string reason;
    bool in_doubt = false;
    std::string source;
    std::string host;
    int64_t uid = 0;
    int64_t pid = 0;
    std::string msg;
};

struct HistoryQuery {
    std::optional<std::string> subject;  // a subject's name or id (a domain or its id)
    std::optional<std::string> account;
    std::optional<WallClock::time_point> since;
    size_t limit = 1000;
};

}  // namespace taskhost
