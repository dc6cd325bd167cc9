#include "manifest/manifest_tasks.h"

#include <Poco/JSON/Array.h>

#include "manifest/journal_key.h"
#include "util/bounded_json.h"

namespace taskhost {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

constexpr const char* kSkipParam = "skip_if_validated";

std::string listed(const std::vector<std::string>& names) {
    std::string text;
    for (size_t i = 0; i < names.size() && i < 20; ++i) {
        text += (i ? ", " : "") + names[i];
    }
    return names.empty() ? "none" : names.size() > 20 ? text + ", ..." : text;
}

bool value_has_type(const Poco::Dynamic::Var& value, const std::string& type) {
    if (type == "integer") {
        return value.isInteger() && !value.isBoolean();
    }
    if (type == "number") {
        return value.isNumeric() && !value.isBoolean();
    }
    if (type == "string") {
        return value.isString();
    }
    if (type == "boolean") {
        return value.isBoolean();
    }
    if (type == "array") {
        return is_json_array(value);
    }
    if (type == "object") {
        return is_json_object(value);
    }
    return true;  // a type the host does not know: the plugin judges
}

std::string a_type(const std::string& type) {
    return (type == "integer" || type == "array" || type == "object" ? "an " : "a ") + type;
}

class TaskResolver {
  public:
    TaskResolver(const ManifestTask& task, const PluginCatalog& catalog, const HostConfig& config)
        : task_(task), catalog_(catalog), config_(config) {
        where_ =
            task.file + ": task \"" + task.name + "\": " + json_path_index("$.tasks", task.index);
    }

    ResolvedTask resolve(bool dry_run) {
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
        if (dry_run && !offer->task->supports_dry_run) {
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
        if (declares(*offer->task, kSkipParam)) {
            request.params->set(kSkipParam, task_.skip_if_validated);
        } else if (task_.skip_if_validated) {
            fail(where_ + ".skip_if_validated",
                 "plugin " + offer->plugin->name() + " " + offer->plugin->description().version +
                     " cannot check whether a domain is validated (its task has no \"" +
                     kSkipParam + "\" param)",
                 "upgrade the plugin, or remove skip_if_validated");
        }
        resolved.windows = rate_windows_for(*offer->task, *request.account);
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

    static Object::Ptr properties_of(const TaskDescription& task) {
        if (task.params_schema && is_json_object(task.params_schema->get("properties"))) {
            return task.params_schema->getObject("properties");
        }
        return nullptr;
    }

    static bool declares(const TaskDescription& task, const std::string& param) {
        const Object::Ptr properties = properties_of(task);
        return properties && properties->has(param);
    }

    // The host checks what it can say clearly before anything runs (unknown params, wrong JSON
    // types); the plugin still validates values (an FQDN, an address) and reports them itself.
    void check_params(const TaskDescription& description) {
        if (task_.params->has(kSkipParam)) {
            fail(where_ + ".params." + kSkipParam, "is a task field, not a param",
                 "move it next to \"params\": \"skip_if_validated\": true");
        }
        const Object::Ptr properties = properties_of(description);
        if (!properties) {
            return;
        }
        const Poco::Dynamic::Var additional =
            description.params_schema->get("additionalProperties");
        const bool closed = additional.isBoolean() && !additional.extract<bool>();
        std::vector<std::string> known;
        for (const auto& entry : *properties) {
            if (entry.first != kSkipParam) {
                known.push_back(entry.first);
            }
        }
        for (const auto& entry : *task_.params) {
            const std::string path = json_path_child(where_ + ".params", entry.first);
            if (!properties->has(entry.first)) {
                if (closed) {
                    fail(path, "is not a param of task " + task_.task,
                         "remove it or correct its spelling (params: " + listed(known) + ")");
                }
                continue;
            }
            if (!is_json_object(properties->get(entry.first))) {
                continue;
            }
            const Object::Ptr schema = properties->getObject(entry.first);
            const std::string type =
                schema->get("type").isString() ? schema->getValue<std::string>("type") : "";
            if (!type.empty() && !value_has_type(entry.second, type)) {
                fail(path, "is " + json_type_name(entry.second) + ", expected " + a_type(type),
                     "write it as " + a_type(type) + " (see `taskhost plugins` for the schema)");
            }
            if (type == "array" && is_json_object(schema->get("items"))) {
                const Poco::Dynamic::Var item_type = schema->getObject("items")->get("type");
                const Array::Ptr items = entry.second.extract<Array::Ptr>();
                for (size_t i = 0; item_type.isString() && i < items->size(); ++i) {
                    const std::string wanted = item_type.extract<std::string>();
                    if (!value_has_type(items->get(i), wanted)) {
                        fail(json_path_index(path, i),
                             "is " + json_type_name(items->get(i)) + ", expected " + a_type(wanted),
                             "write every item as " + a_type(wanted));
                    }
                }
            }
        }
    }

    const ManifestTask& task_;
    const PluginCatalog& catalog_;
    const HostConfig& config_;
    std::string where_;
};

}  // namespace

Result<ResolvedTask> resolve_manifest_task(const ManifestTask& task, const PluginCatalog& catalog,
                                           const HostConfig& config, bool dry_run) {
    try {
        return TaskResolver(task, catalog, config).resolve(dry_run);
    } catch (const HostErrorException& e) {
        return e.error();
    }
}

JournalVerdict judge_by_journal(const std::optional<JournalEntry>& entry,
                                std::chrono::seconds interval, WallClock::time_point now,
                                bool force) {
    JournalVerdict verdict;
    if (entry) {
        verdict.last_sent_at = entry->last_sent_at;
        verdict.sending_since = entry->sending_since;
    }
    if (verdict.last_sent_at) {
        verdict.next_due_at = *verdict.last_sent_at + interval;
    }
    if (verdict.sending_since) {
        // Sent or not, nobody knows: sending again risks a second email, not sending risks none.
        verdict.in_doubt = true;
        verdict.reason = "in_doubt";
        return verdict;
    }
    if (force) {
        verdict.reason = "forced";
        return verdict;
    }
    if (!verdict.last_sent_at) {
        verdict.reason = "never_sent";
        return verdict;
    }
    if (interval.count() > 0 && now < *verdict.next_due_at) {
        verdict.action = JournalVerdict::Action::kWithinInterval;
        verdict.reason = "within_interval";
        return verdict;
    }
    verdict.reason = "interval_passed";
    return verdict;
}

}  // namespace taskhost
