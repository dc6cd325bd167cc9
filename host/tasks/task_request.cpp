#include "tasks/task_request.h"

#include <unistd.h>
#include <chrono>

#include "tasks/task_connection.h"
#include "tasks/task_params.h"
#include "util/bounded_json.h"

namespace taskhost {
namespace {

// --account X and "account": "Y" (and the like) must not silently pick one.
std::optional<std::string> agreeing(const std::optional<std::string>& flag,
                                    const std::optional<std::string>& in_spec,
                                    const std::string& flag_name, const std::string& field) {
    if (flag && in_spec && *flag != *in_spec) {
        fail(flag_name,
             "says \"" + printable(*flag, 80) + "\" but the spec's \"" + field + "\" says \"" +
                 printable(*in_spec, 80) + "\"",
             "give it in one place only");
    }
    return flag ? flag : in_spec;
}

std::string listed(const std::vector<std::string>& names) {
    if (names.empty()) {
        return "none";
    }
    std::string text;
    for (size_t i = 0; i < names.size() && i < 20; ++i) {
        text += (i ? ", " : "") + names[i];
    }
    return names.size() > 20 ? text + ", ..." : text;
}

const AccountConfig* choose_account(const std::optional<std::string>& name,
                                    const HostConfig& config) {
    std::vector<std::string> names;
    for (const auto& entry : config.accounts) {
        names.push_back(entry.first);
    }
    if (!name) {
        if (config.accounts.size() == 1) {
            return &config.accounts.begin()->second;
        }
        fail("--account",
             config.accounts.empty() ? "no account is configured in " + config.path
                                     : "is needed: the config has several accounts",
             config.accounts.empty() ? "add an account to \"accounts\" in the config"
                                     : "pass --account NAME (one of: " + listed(names) + ")");
    }
    const auto found = config.accounts.find(*name);
    if (found == config.accounts.end()) {
        fail("--account", "\"" + printable(*name, 64) + "\" is not an account in " + config.path,
             "use one of: " + listed(names));
    }
    return &found->second;
}

template <class T>
T checked(Result<T> result) {
    if (!result.ok()) {
        throw HostErrorException(result.error());
    }
    return std::move(result.value());
}

std::string default_id() {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
    return "taskhost-" + std::to_string(ms) + "-" + std::to_string(::getpid());
}

TaskRequest build(const CommandLineTask& cli, const std::optional<UserSpec>& spec,
                  const PluginCatalog& catalog, const HostConfig& config) {
    const std::optional<std::string> none;
    const std::optional<std::string> task_name =
        agreeing(cli.task, spec ? spec->task : none, "TASK", "task");
    if (!task_name) {
        fail("TASK", "is missing", "name the task: taskhost run TASK ... (see taskhost plugins)");
    }
    TaskRequest request;
    request.task = *task_name;
    const std::optional<TaskOffer> offer = catalog.find_task(request.task);
    if (!offer) {
        fail("task " + printable(request.task, 128),
             "is not offered by any loaded plugin (offered: " + listed(catalog.task_names()) + ")",
             "check the name; `taskhost plugins` lists each plugin's tasks and any refused plugin");
    }
    request.offer = *offer;

    request.params = checked(type_params(cli.assignments, *offer->task));
    if (spec) {
        for (const auto& entry : *spec->params) {
            if (request.params->has(entry.first)) {
                fail("param " + printable(entry.first, 64),
                     "is given twice (in the spec and on the command line)",
                     "give it in one place");
            }
            request.params->set(entry.first, entry.second);
        }
    }

    request.dry_run = wants_dry_run(cli, spec);
    if (spec) {
        request.resend_interval = spec->resend_interval;
        request.force = spec->force.value_or(false);
    }
    // A read-only task has nothing to plan: a dry run reads for real (task_runner.h).
    if (request.dry_run && !offer->task->supports_dry_run && !offer->task->read_only) {
        fail("--check", "task " + request.task + " does not support a dry run",
             "run it without --check (and without \"dry_run\": true)");
    }
    const std::optional<std::string> id = agreeing(cli.id, spec ? spec->id : none, "--id", "id");
    if (id && !is_valid_task_id(*id)) {
        fail("--id", "is not a usable id", "use at most 128 printable characters");
    }
    request.id = id ? *id : default_id();
    request.account = choose_account(
        agreeing(cli.account, spec ? spec->account : none, "--account", "account"), config);
    request.connection = checked(connection_for(*request.account, *offer->plugin));
    return request;
}

}  // namespace

bool wants_dry_run(const CommandLineTask& command_line, const std::optional<UserSpec>& spec) {
    return command_line.check || (spec && spec->dry_run.value_or(false));
}

Result<TaskRequest> make_task_request(const CommandLineTask& command_line,
                                      const std::optional<UserSpec>& spec,
                                      const PluginCatalog& catalog, const HostConfig& config) {
    try {
        return build(command_line, spec, catalog, config);
    } catch (const HostErrorException& e) {
        return e.error();
    }
}

}  // namespace taskhost
