// A manifest task made runnable: its plugin task found among the loaded plugins, its account
// among the configured ones, its params checked against the task's params schema, its journal
// key computed.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "config/host_config.h"
#include "manifest/manifest.h"
#include "plugins/plugin_catalog.h"
#include "tasks/task_connection.h"
#include "tasks/task_request.h"
#include "util/host_error.h"

namespace taskhost {

struct ResolvedTask {
    TaskRequest request;           // id = the manifest task's name; params as the plugin gets them
    std::string canonical_params;  // of the params the user wrote (journal_key.h)
    std::string key;               // the journal key
};

// Errors name the file, the task and the field, and say what to change.
// `memo`, when given, answers each account's connection once for the run's tasks.
Result<ResolvedTask> resolve_manifest_task(const ManifestTask& task, const PluginCatalog& catalog,
                                           const HostConfig& config, bool dry_run,
                                           ConnectionMemo* memo = nullptr);

// A for_each manifest task before its listing runs.
struct ResolvedForEach {
    // The listing: for_each.task, which must be read-only, with for_each.params checked against
    // its schema, as for_each.account, else the task's account. Errors name
    // "$.tasks[N].for_each.task" (.params, .account). Run for real, also by a plan.
    ResolvedTask listing;
    // The account the listed tasks run as (checked, as the task itself: its "task" offered, with
    // a dry run for a plan; its params as far as they go without the items' "required" ones).
    std::string account;
};

Result<ResolvedForEach> resolve_for_each(const ManifestTask& task, const PluginCatalog& catalog,
                                         const HostConfig& config, bool dry_run,
                                         ConnectionMemo* memo = nullptr);

}  // namespace taskhost
