// One task to run, put together from the command line and an optional user spec, checked
// against the task the plugin describes and the accounts the config holds. Still no key.
#pragma once

#include <Poco/JSON/Object.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "config/host_config.h"
#include "plugins/plugin_catalog.h"
#include "tasks/user_spec.h"
#include "util/host_error.h"

namespace taskhost {

// What `taskhost run` was told on its command line about the task.
struct CommandLineTask {
    std::optional<std::string> task;
    std::vector<std::string> assignments;  // "name=value"
    std::optional<std::string> account;
    std::optional<std::string> id;
    bool check = false;
};

struct TaskRequest {
    std::string task;
    std::string id;
    bool dry_run = false;
    const AccountConfig* account = nullptr;  // points into the HostConfig
    Poco::JSON::Object::Ptr params;
    // The account's settings as the plugin gets them (tasks/task_connection.h); no key.
    Poco::JSON::Object::Ptr connection;
    TaskOffer offer;  // the plugin generation and its task description
    // From the spec: how the ledger judges a task already sent (task_runner.h).
    std::optional<std::chrono::seconds> resend_interval;
    bool force = false;
};

// --check, or "dry_run": true in the spec: the request only plans (and reads the ledger).
bool wants_dry_run(const CommandLineTask& command_line, const std::optional<UserSpec>& spec);

// The same thing given in two places must agree; params may come from both, but each name
// only once. Without --account or "account", the config's only account is used.
Result<TaskRequest> make_task_request(const CommandLineTask& command_line,
                                      const std::optional<UserSpec>& spec,
                                      const PluginCatalog& catalog, const HostConfig& config);

}  // namespace taskhost
