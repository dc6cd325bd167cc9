#include "cli/daemon_clients.h"

#include "cli/daemon_answer.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Stringifier.h>

#include <istream>
#include <ostream>
#include <sstream>

#include "cli/cli_help.h"
#include "cli/command_startup.h"
#include "cli/daemon_client.h"
#include "cli/listing_table.h"
#include "cli/plugins_command.h"
#include "cli/run_command.h"
#include "cli/salt_state_line.h"
#include "config/host_config.h"
#include "tasks/outcome.h"
#include "tasks/task_submission.h"
#include "tasks/user_spec.h"
#include "util/bounded_json.h"

namespace taskhost {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

constexpr int kHttpOk = 200;
constexpr int kHttpTaskFailed = 422;

// The spec as the daemon reads it: the fields the user gave, nothing added.
Object::Ptr spec_object(const UserSpec& spec) {
    Object::Ptr json = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    if (spec.task) {
        json->set("task", *spec.task);
    }
    if (spec.id) {
        json->set("id", *spec.id);
    }
    if (spec.dry_run) {
        json->set("dry_run", *spec.dry_run);
    }
    if (spec.account) {
        json->set("account", *spec.account);
    }
    json->set("params", spec.params);
    return json;
}

// The item_columns the daemon's plugins describe for `task`; none when it does not say (the
// table then shows the first item's fields).
std::vector<ItemColumn> item_columns_from_daemon(const DaemonClient& client,
                                                 const std::string& task) {
    Result<DaemonAnswer> answer = client.request("GET", "/v1/plugins");
    if (!answer.ok() || answer.value().http_status != kHttpOk) {
        return {};
    }
    Result<Object::Ptr> listing = parse_daemon_answer(answer.value(), client.socket_path());
    try {
        const Array::Ptr plugins = listing.ok() ? listing.value()->getArray("plugins") : nullptr;
        for (size_t p = 0; plugins && p < plugins->size(); ++p) {
            const Object::Ptr describe = plugins->getObject(p)->getObject("describe");
            const Array::Ptr tasks = describe ? describe->getArray("tasks") : nullptr;
            for (size_t t = 0; tasks && t < tasks->size(); ++t) {
                const Object::Ptr offered = tasks->getObject(t);
                if (offered && offered->optValue<std::string>("name", "") == task &&
                    offered->has("item_columns")) {
                    return read_item_columns(offered->get("item_columns"), "daemon", "task");
                }
            }
        }
    } catch (const std::exception&) {
        // A describe the daemon accepted but this taskhost cannot read: show the default.
    }
    return {};
}

// Prints an outcome as `taskhost run` does: one line, indented with --pretty, or as a table.
void print_outcome(const Object::Ptr& outcome, const std::string& one_line, bool pretty,
                   std::ostream& out) {
    if (pretty) {
        std::ostringstream indented;
        Poco::JSON::Stringifier::stringify(outcome, indented, 2);
        out << indented.str() << std::endl;
        return;
    }
    out << one_line << std::endl;
}

std::string socket_for_run(const std::optional<std::string>& socket) {
    return socket ? *socket : std::string(kDefaultSocketPath);
}

}  // namespace

int run_through_daemon(const RunOptions& options, std::istream& in, std::ostream& out,
                       std::ostream& err) {
    const bool detailed = options.detailed_exitcodes;
    const std::string task = options.task.task.value_or("");
    const std::string id = options.task.id.value_or("");
    const auto usage_error = [&](const HostError& error) {
        err << "taskhost: " << error.text() << std::endl;
        out << to_json(make_invalid_input_outcome(task, id, error)) << std::endl;
        return exit_code_for_usage_error(detailed);
    };
    // The spec is read and checked here, where its file (or stdin) is: errors name it as an
    // in-process run would.
    Object::Ptr body = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    if (options.spec_source) {
        Result<std::string> text = read_user_spec_text(*options.spec_source, in);
        if (!text.ok()) {
            return usage_error(text.error());
        }
        Result<UserSpec> spec = parse_user_spec(
            text.value(), *options.spec_source == "-" ? "stdin" : *options.spec_source);
        if (!spec.ok()) {
            return usage_error(spec.error());
        }
        body = spec_object(spec.value());
    }
    body->set("command_line", command_line_json(options.task));

    const DaemonClient client(socket_for_run(options.socket));
    Result<DaemonAnswer> answer = client.request("POST", "/v1/tasks", to_json(body));
    if (!answer.ok()) {
        return usage_error(answer.error());
    }
    Result<Object::Ptr> outcome = parse_daemon_answer(answer.value(), client.socket_path());
    if (!outcome.ok()) {
        return usage_error(outcome.error());
    }
    const int status = answer.value().http_status;
    if ((status == kHttpOk || status == kHttpTaskFailed) && has_items(outcome.value()) &&
        run_output_is_table(options, out)) {
        const Poco::Dynamic::Var task = outcome.value()->get("task");
        out << listing_table(outcome.value(),
                             item_columns_from_daemon(
                                 client, task.isString() ? task.extract<std::string>() : ""))
            << std::endl;
        return exit_code_for_outcome(outcome.value(), detailed);
    }
    if (status == kHttpOk || status == kHttpTaskFailed) {
        print_outcome(outcome.value(), to_json(outcome.value()), options.pretty, out);
        if (options.format == std::string("salt")) {
            out << salt_state_line(outcome.value()) << std::endl;
        }
        return exit_code_for_outcome(outcome.value(), detailed);
    }
    // The task did not run (invalid input, busy, shutting down): as a usage error in-process.
    err << "taskhost: " << daemon_error_text(outcome.value());
    if (!answer.value().retry_after.empty()) {
        err << " (the daemon says: retry after " << printable(answer.value().retry_after, 16)
            << " s)";
    }
    err << std::endl;
    print_outcome(outcome.value(), to_json(outcome.value()), options.pretty, out);
    return exit_code_for_usage_error(detailed);
}

int plugins_through_daemon(const PluginsOptions& options, std::ostream& out, std::ostream& err) {
    const DaemonClient client(socket_for_run(options.socket),
                              std::chrono::seconds(options.timeout_seconds));
    Result<DaemonAnswer> answer = client.request("GET", "/v1/plugins");
    if (!answer.ok()) {
        err << "taskhost: " << answer.error().text() << std::endl;
        return kExitUsage;
    }
    Result<Object::Ptr> listing = parse_daemon_answer(answer.value(), client.socket_path());
    if (!listing.ok() || answer.value().http_status != kHttpOk) {
        err << "taskhost: "
            << (listing.ok() ? daemon_error_text(listing.value()) : listing.error().text())
            << std::endl;
        return kExitUsage;
    }
    if (options.json) {
        out << to_json(listing.value()) << std::endl;
    } else {
        print_catalog_text(listing.value(), out);
    }
    return kExitOk;
}

int reload_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    Result<ReloadOptions> options = parse_reload_args(args);
    if (!options.ok()) {
        err << "taskhost: " << options.error().text() << std::endl;
        return kExitUsage;
    }
    if (options.value().help) {
        out << reload_help();
        return kExitOk;
    }
    std::string socket;
    if (options.value().socket) {
        socket = *options.value().socket;
    } else {
        Result<std::unique_ptr<CommandStartup>> started =
            start_command(options.value().config, Startup::kConfigOnly, err);
        if (!started.ok()) {
            err << "taskhost: " << started.error().text()
                << " (reload reads the config only for daemon.socket; or pass --socket PATH)"
                << std::endl;
            return kExitUsage;
        }
        socket = started.value()->config.daemon.socket;
    }
    const DaemonClient client(socket, std::chrono::seconds(options.value().timeout_seconds));
    Result<DaemonAnswer> answer = client.request("POST", "/v1/plugins/reload");
    if (!answer.ok()) {
        err << "taskhost: " << answer.error().text() << std::endl;
        return kExitUsage;
    }
    Result<Object::Ptr> report = parse_daemon_answer(answer.value(), socket);
    if (!report.ok() || answer.value().http_status != kHttpOk) {
        err << "taskhost: "
            << (report.ok() ? daemon_error_text(report.value()) : report.error().text())
            << std::endl;
        return kExitUsage;
    }
    const Object::Ptr& json = report.value();
    const Poco::Dynamic::Var ok = json->get("ok");
    const bool all_ok = ok.isBoolean() && ok.extract<bool>();
    if (options.value().json) {
        out << to_json(json) << std::endl;
        return all_ok ? kExitOk : kExitTaskFailed;
    }
    const Poco::Dynamic::Var error = json->get("error");
    if (is_json_object(error)) {
        const Poco::Dynamic::Var msg = error.extract<Object::Ptr>()->get("msg");
        out << "reload failed, nothing changed: " << (msg.isString() ? msg.toString() : "") << "\n";
    }
    const Poco::Dynamic::Var plugins = json->get("plugins");
    const Array::Ptr list = is_json_array(plugins) ? plugins.extract<Array::Ptr>() : new Array;
    for (size_t i = 0; i < list->size(); ++i) {
        const Object::Ptr entry = list->getObject(static_cast<unsigned>(i));
        if (entry.isNull()) {
            continue;
        }
        out << entry->optValue<std::string>("result", "?") << " "
            << entry->optValue<std::string>("file", "?");
        if (entry->has("version")) {
            out << " (" << entry->optValue<std::string>("name", "?") << " "
                << entry->optValue<std::string>("version", "?") << ", generation "
                << entry->get("generation").toString() << ", sha256 "
                << entry->optValue<std::string>("sha256", "?") << ")";
        }
        const Object::Ptr refusal = entry->getObject("error");
        if (!refusal.isNull()) {
            out << "\n  " << refusal->optValue<std::string>("msg", "")
                << (entry->has("version") ? "\n  the generation above keeps serving" : "");
        }
        out << "\n";
    }
    return all_ok ? kExitOk : kExitTaskFailed;
}

}  // namespace taskhost
