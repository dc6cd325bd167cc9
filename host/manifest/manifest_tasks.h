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

}  // namespace taskhost
