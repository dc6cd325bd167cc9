// A manifest task made runnable: its plugin task found among the loaded plugins, its account
// among the configured ones, its params checked against the task's params schema, its journal
// key computed. And the journal's verdict on it: send, or not, and why.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "config/host_config.h"
#include "manifest/manifest.h"
#include "manifest/resend_journal.h"
#include "plugins/plugin_catalog.h"
#include "tasks/task_request.h"
#include "util/host_error.h"

namespace taskhost {

struct ResolvedTask {
    TaskRequest request;           // id = the manifest task's name; params as the plugin gets them
    std::string canonical_params;  // of the params the user wrote (journal_key.h)
    std::string key;               // the journal key
};

// Errors name the file, the task and the field, and say what to change.
Result<ResolvedTask> resolve_manifest_task(const ManifestTask& task, const PluginCatalog& catalog,
                                           const HostConfig& config, bool dry_run);

struct JournalVerdict {
    enum class Action { kSend, kWithinInterval } action = Action::kSend;
    // kSend: "never_sent", "interval_passed", "forced", "in_doubt"; kWithinInterval:
    // "within_interval".
    std::string reason;
    bool in_doubt = false;  // an intent without completion: a previous apply was killed mid-send
    std::optional<WallClock::time_point> last_sent_at;
    std::optional<WallClock::time_point> next_due_at;
    std::optional<WallClock::time_point> sending_since;
};

// `force` sends whatever the journal says. An interval of 0 always sends.
JournalVerdict judge_by_journal(const std::optional<JournalEntry>& entry,
                                std::chrono::seconds interval, WallClock::time_point now,
                                bool force);

}  // namespace taskhost
