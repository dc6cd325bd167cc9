#include "cli/status_command.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <ostream>

#include "cli/command_startup.h"
#include "cli/daemon_client.h"
#include "tasks/outcome.h"
#include "util/bounded_json.h"

namespace taskhost {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

// The three answers status reads; manifests null when the daemon watches none.
struct DaemonStatus {
    int health_status = 0;
    Object::Ptr health;
    Object::Ptr plugins;
    Object::Ptr manifests;
};

Result<Object::Ptr> get_json(const DaemonClient& client, const std::string& path, int& status) {
    Result<DaemonAnswer> answer = client.request("GET", path);
    if (!answer.ok()) {
        return answer.error();
    }
    status = answer.value().http_status;
    try {
        Poco::JSON::Parser parser;
        return parser.parse(answer.value().body).extract<Object::Ptr>();
    } catch (const Poco::Exception&) {
        return HostError{"the daemon at " + client.socket_path(),
                         "answered " + path + " with something that is not a JSON object",
                         "check that the socket is taskhost's"};
    }
}

Result<DaemonStatus> read_status(const DaemonClient& client) {
    DaemonStatus status;
    int code = 0;
    Result<Object::Ptr> health = get_json(client, "/v1/health", status.health_status);
    if (!health.ok()) {
        return health.error();
    }
    status.health = health.value();
    Result<Object::Ptr> plugins = get_json(client, "/v1/plugins", code);
    if (!plugins.ok()) {
        return plugins.error();
    }
    status.plugins = plugins.value();
    Result<Object::Ptr> manifests = get_json(client, "/v1/manifests", code);
    if (manifests.ok() && code == 200) {
        status.manifests = manifests.value();
    }
    return status;
}

std::string text_of(const Object::Ptr& object, const std::string& key) {
    return object && object->has(key) ? object->get(key).toString() : "";
}

void print_health(const DaemonStatus& status, std::ostream& out) {
    const Object::Ptr& health = status.health;
    out << "health: " << text_of(health, "status") << " (taskhost " << text_of(health, "version")
        << ", pid " << text_of(health, "pid") << ")\n";
    const Array::Ptr reasons = health->getArray("reasons");
    for (size_t i = 0; reasons && i < reasons->size(); ++i) {
        out << "  - " << printable(reasons->get(i).toString(), 512) << "\n";
    }
    out << "in flight: " << text_of(health, "running") << " running, " << text_of(health, "queued")
        << " queued (at most " << text_of(health, "max_concurrency") << " running and "
        << text_of(health, "max_queue") << " queued)\n";
}

void print_plugins(const DaemonStatus& status, std::ostream& out) {
    const Array::Ptr plugins = status.plugins->getArray("plugins");
    const Array::Ptr refusals = status.plugins->getArray("refusals");
    out << "plugins: " << (plugins ? plugins->size() : 0) << " serving, "
        << (refusals ? refusals->size() : 0) << " refused\n";
    for (size_t i = 0; plugins && i < plugins->size(); ++i) {
        const Object::Ptr plugin = plugins->getObject(i);
        out << "  " << text_of(plugin, "name") << " " << text_of(plugin, "version")
            << " (generation " << text_of(plugin, "generation") << ")\n";
    }
    for (size_t i = 0; refusals && i < refusals->size(); ++i) {
        out << "  refused: " << printable(text_of(refusals->getObject(i), "msg"), 512) << "\n";
    }
}

void print_manifests(const DaemonStatus& status, std::ostream& out) {
    if (!status.manifests) {
        out << "manifests: not watched\n";
        return;
    }
    const Object::Ptr& manifests = status.manifests;
    out << "manifests: " << text_of(manifests, "directory") << ", " << text_of(manifests, "runs")
        << " runs, last at "
        << (manifests->has("last_run_at") ? text_of(manifests, "last_run_at") : "never") << "\n";
    const Object::Ptr files = manifests->getObject("files");
    for (auto it = files ? files->begin() : Object::ConstIterator(); files && it != files->end();
         ++it) {
        const Object::Ptr apply = files->getObject(it->first)->getObject("apply");
        const Object::Ptr summary = apply ? apply->getObject("summary") : nullptr;
        out << "  " << it->first << ": apply at " << text_of(apply, "at") << ": "
            << (apply && apply->has("error") ? "error: " + text_of(apply, "error")
                                             : to_json(summary))
            << "\n";
    }
}

Result<std::string> socket_of(const StatusOptions& options, std::ostream& err) {
    if (options.socket) {
        return *options.socket;
    }
    Result<std::unique_ptr<CommandStartup>> started =
        start_command(options.config, Startup::kConfigOnly, err);
    if (!started.ok()) {
        HostError error = started.error();
        error.fix += " (status reads the config only for daemon.socket; or pass --socket PATH)";
        return error;
    }
    return started.value()->config.daemon.socket;
}

}  // namespace

const FlagTable<StatusOptions>& status_flags() {
    static const FlagTable<StatusOptions> table{
        "status",
        "",
        {
            {"--socket", "PATH", kNonEmpty, &StatusOptions::socket,
             "the daemon's socket; without it, the config's daemon.socket"},
            {"--json", "", kSwitch, &StatusOptions::json,
             "print {\"health\", \"plugins\", \"manifests\"}: the daemon's answers"},
            {"--config", "FILE", kNonEmpty, &StatusOptions::config,
             "the config file (read only for daemon.socket)"},
            {"--timeout", "SECONDS", number_of("seconds", 1, kMaxAnswerSeconds),
             &StatusOptions::timeout_seconds,
             "how long to wait for each of the daemon's answers (default 30)"},
        }};
    return table;
}

std::string status_help() {
    const FlagTable<StatusOptions>& flags = status_flags();
    return flags.usage() + R"(
Asks the daemon how it is: health (ok, or unavailable and every reason: no plugin loaded, a
plugin refused at start, the last manifest apply failed), the plugins serving and refused, the
tasks running and queued, and the last manifest run of each file. Exit code 0 when healthy, 1
when not, 2 when the daemon could not be reached or gave no answer within --timeout, or on a
usage error.

)" + flags.flags_help();
}

int status_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    StatusOptions options;
    try {
        if (!status_flags().parse(args, options).empty() && !options.help) {
            err << "taskhost: status takes only flags (see taskhost status --help)" << std::endl;
            return kExitUsage;
        }
    } catch (const HostErrorException& e) {
        err << "taskhost: " << e.error().text() << std::endl;
        return kExitUsage;
    }
    if (options.help) {
        out << status_help();
        return kExitOk;
    }
    Result<std::string> socket = socket_of(options, err);
    Result<DaemonStatus> status =
        socket.ok() ? read_status(DaemonClient(socket.value(),
                                               std::chrono::seconds(options.timeout_seconds)))
                    : Result<DaemonStatus>(socket.error());
    if (!status.ok()) {
        err << "taskhost: " << status.error().text() << std::endl;
        return kExitUsage;
    }
    const DaemonStatus& got = status.value();
    if (options.json) {
        Object::Ptr all = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        all->set("health", got.health);
        all->set("plugins", got.plugins);
        all->set("manifests",
                 got.manifests ? Poco::Dynamic::Var(got.manifests) : Poco::Dynamic::Var());
        out << to_json(all) << std::endl;
    } else {
        print_health(got, out);
        print_plugins(got, out);
        print_manifests(got, out);
    }
    return got.health_status == 200 ? kExitOk : kExitTaskFailed;
}

}  // namespace taskhost
