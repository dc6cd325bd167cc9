#include "manifest/manifest_tasks.h"

#include <Poco/JSON/Array.h>

#include "ledger/journal_key.h"
#include "plugins/settings_schema.h"
#include "tasks/task_connection.h"
#include "util/bounded_json.h"

namespace taskhost {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

std::string listed(const std::vector<std::string>& names) {
    std::string text;
    for (size_t i = 0; i < names.size() && i < 20; ++i) {
        text += (i ? ", " : "") + names[i];
    }
    return names.empty() ? "none" : names.size() > 20 ? text + ", ..." : text;
}

// What a resolver is asked to check besides the usual.
struct ResolveRules {
    bool dry_run = false;
    bool read_only = false;          // the task must be read-only (a for_each listing)
    bool params_partial = false;     // a for_each task's params: items add the "required" ones
    std::string json_path_suffix;    // ".for_each": errors name $.tasks[N].for_each.task
    ConnectionMemo* memo = nullptr;  // the run's, when it has one
};

// The top of a params schema without what only the items can satisfy.
Object::Ptr without_required(const Object::Ptr& schema) {
    Object::Ptr partial = new Object(*schema);
    partial->remove("required");
    partial->remove("oneOf");
    return partial;
}

class TaskResolver {
  public:
    TaskResolver(const ManifestTask& task, const PluginCatalog& catalog, const HostConfig& config,
                 ResolveRules rules = {})
        : task_(task), catalog_(catalog), config_(config), rules_(std::move(rules)) {
        file_ = task.file + ": task \"" + task.name + "\"";
        task_path_ = json_path_index("$.tasks", task.index) + rules_.json_path_suffix;
        where_ = file_ + ": " + task_path_;
    }

    ResolvedTask resolve() {
        const bool dry_run = rules_.dry_run;
        ResolvedTask resolved;
        TaskRequest& request = resolved.request;
        request.task = task_.task;
        request.id = task_.name;
        request.dry_run = dry_run;
        const std::optional<TaskOffer> offer = catalog_.find_task(task_.task);
        if (!offer) {
            fail(where_ + ".task",
                 "\"" + printable(task_.task, 128) + "\" is not offered by any loaded plugin " +
                     "(offered: " + listed(catalog_.task_names()) + ")",
                 "check the name; `taskhost plugins` lists each plugin's tasks and any refused "
                 "plugin");
        }
        request.offer = *offer;
        if (rules_.read_only && !offer->task->read_only) {
            fail(where_ + ".task",
                 "\"" + printable(task_.task, 128) +
                     "\" is not a read-only task: for_each lists its items with a task that "
                     "changes nothing",
                 "name a listing task that `taskhost plugins` marks [read-only]");
        }
        if (dry_run && !offer->task->supports_dry_run && !offer->task->read_only) {
            fail(where_ + ".task", "task " + task_.task + " does not support a dry run",
                 "plan cannot check it; apply runs it");
        }
        request.account = choose_account();
        check_params(*offer->task);
        resolved.canonical_params = canonical_params(task_.params, offer->task->params_schema);
        resolved.key = journal_key(request.account->name, task_.task, resolved.canonical_params);
        request.params = new Object;
        for (const auto& entry : *task_.params) {
            request.params->set(entry.first, entry.second);
        }
        Result<Object::Ptr> connection =
            rules_.memo != nullptr ? rules_.memo->connection_for(*request.account, *offer->plugin)
                                   : connection_for(*request.account, *offer->plugin);
        if (!connection.ok()) {
            throw HostErrorException(connection.error());
        }
        request.connection = connection.value();
        return resolved;
    }

  private:
    const AccountConfig* choose_account() {
        std::vector<std::string> names;
        for (const auto& entry : config_.accounts) {
            names.push_back(entry.first);
        }
        if (!task_.account) {
            if (config_.accounts.size() == 1) {
                return &config_.accounts.begin()->second;
            }
            fail(where_ + ".account",
                 config_.accounts.empty()
                     ? "cannot be chosen: no account is configured in " + config_.path
                     : "is needed: the config has several accounts",
                 config_.accounts.empty()
                     ? "add an account to \"accounts\" in the config"
                     : "set \"account\" in the task or in \"defaults\" (one of: " + listed(names) +
                           ")");
        }
        const auto found = config_.accounts.find(*task_.account);
        if (found == config_.accounts.end()) {
            fail(where_ + ".account",
                 "\"" + printable(*task_.account, 64) + "\" is not an account in " + config_.path,
                 "use one of: " + listed(names));
        }
        return &found->second;
    }

    // The host checks what it can say clearly before anything runs (unknown params, wrong JSON
    // types, ranges, choices); the plugin still validates values (an FQDN, an address) itself.
    void check_params(const TaskDescription& description) {
        SettingsSource source;
        source.file = file_;
        source.json_path = task_path_ + ".params";
        source.unknown_problem = "is not a param of task " + task_.task;
        source.known_label = "params";
        Result<Object::Ptr> checked =
            check_settings(task_.params,
                           rules_.params_partial ? without_required(description.params_schema)
                                                 : description.params_schema,
                           source);
        if (!checked.ok()) {
            throw HostErrorException(checked.error());
        }
    }

    const ManifestTask& task_;
    const PluginCatalog& catalog_;
    const HostConfig& config_;
    ResolveRules rules_;
    std::string file_;       // FILE: task "NAME"
    std::string task_path_;  // $.tasks[N]
    std::string where_;      // both, as errors name them
};

}  // namespace

Result<ResolvedTask> resolve_manifest_task(const ManifestTask& task, const PluginCatalog& catalog,
                                           const HostConfig& config, bool dry_run,
                                           ConnectionMemo* memo) {
    try {
        ResolveRules rules;
        rules.dry_run = dry_run;
        rules.memo = memo;
        return TaskResolver(task, catalog, config, rules).resolve();
    } catch (const HostErrorException& e) {
        return e.error();
    }
}

Result<ResolvedForEach> resolve_for_each(const ManifestTask& task, const PluginCatalog& catalog,
                                         const HostConfig& config, bool dry_run,
                                         ConnectionMemo* memo) {
    try {
        ResolveRules as_template;
        as_template.dry_run = dry_run;
        as_template.memo = memo;
        as_template.params_partial = true;
        ResolvedForEach resolved;
        resolved.account =
            TaskResolver(task, catalog, config, as_template).resolve().request.account->name;
        ManifestTask listing = task;
        listing.task = task.for_each->task;
        listing.params = task.for_each->params;
        listing.account = task.for_each->account ? task.for_each->account : task.account;
        listing.for_each.reset();
        ResolveRules as_listing;
        as_listing.read_only = true;
        as_listing.json_path_suffix = ".for_each";
        as_listing.memo = memo;
        resolved.listing = TaskResolver(listing, catalog, config, as_listing).resolve();
        return resolved;
    } catch (const HostErrorException& e) {
        return e.error();
    }
}

}  // namespace taskhost
