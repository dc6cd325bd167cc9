#include "cli/plugins_command.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <ostream>

#include "cli/cli_args.h"
#include "cli/cli_help.h"
#include "cli/command_startup.h"
#include "cli/daemon_clients.h"
#include "plugins/plugin_catalog_json.h"
#include "tasks/outcome.h"
#include "util/bounded_json.h"

namespace taskhost {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

std::string text_of(const Object::Ptr& object, const std::string& key) {
    const Poco::Dynamic::Var value = object->get(key);
    return value.isString()  ? value.extract<std::string>()
           : value.isEmpty() ? ""
                             : value.toString();
}

Array::Ptr array_of(const Object::Ptr& object, const std::string& key) {
    const Poco::Dynamic::Var value = object->get(key);
    return is_json_array(value) ? value.extract<Array::Ptr>() : Array::Ptr(new Array);
}

Object::Ptr object_at(const Array::Ptr& list, size_t index) {
    const Poco::Dynamic::Var value = list->get(static_cast<unsigned>(index));
    return is_json_object(value) ? value.extract<Object::Ptr>() : Object::Ptr(new Object);
}

}  // namespace

void print_catalog_text(const Object::Ptr& listing, std::ostream& out) {
    out << "plugin directory " << text_of(listing, "plugin_dir") << "\n";
    const Array::Ptr plugins = array_of(listing, "plugins");
    if (plugins->size() == 0) {
        out << "no plugins loaded\n";
    }
    for (size_t i = 0; i < plugins->size(); ++i) {
        const Object::Ptr plugin = object_at(plugins, i);
        out << "\nplugin " << text_of(plugin, "name") << " " << text_of(plugin, "version")
            << " (ABI " << text_of(plugin, "abi_version") << ")\n"
            << "  file    " << text_of(plugin, "file") << "\n"
            << "  sha256  " << text_of(plugin, "sha256") << "\n";
        const Poco::Dynamic::Var describe = plugin->get("describe");
        const Array::Ptr tasks = is_json_object(describe)
                                     ? array_of(describe.extract<Object::Ptr>(), "tasks")
                                     : Array::Ptr(new Array);
        for (size_t t = 0; t < tasks->size(); ++t) {
            const Object::Ptr task = object_at(tasks, t);
            const Poco::Dynamic::Var dry = task->get("supports_dry_run");
            const bool supports_dry_run = dry.isBoolean() && dry.extract<bool>();
            const Poco::Dynamic::Var reads = task->get("read_only");
            const bool read_only = reads.isBoolean() && reads.extract<bool>();
            out << "  task    " << text_of(task, "name") << (supports_dry_run ? " [--check]" : "")
                << (read_only ? " [read-only]" : "") << ": "
                << printable(text_of(task, "summary"), 200) << "\n";
        }
    }
    const Array::Ptr refusals = array_of(listing, "refusals");
    for (size_t i = 0; i < refusals->size(); ++i) {
        const Object::Ptr refusal = object_at(refusals, i);
        out << "\nrefused " << text_of(refusal, "file") << "\n  " << text_of(refusal, "msg")
            << "\n";
    }
}

int plugins_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    Result<PluginsOptions> options = parse_plugins_args(args);
    if (!options.ok()) {
        err << "taskhost: " << options.error().text() << std::endl;
        return kExitUsage;
    }
    if (options.value().help) {
        out << plugins_help();
        return kExitOk;
    }
    if (options.value().socket) {
        return plugins_through_daemon(options.value(), out, err);
    }
    Result<std::unique_ptr<CommandStartup>> started =
        start_command(options.value().config, Startup::kPluginsListingRefusals, err);
    if (!started.ok()) {
        err << "taskhost: " << started.error().text() << std::endl;
        return kExitUsage;
    }
    const CommandStartup& startup = *started.value();
    const Object::Ptr listing = catalog_json(startup.config.plugin_dir, startup.catalog);
    if (options.value().json) {
        out << to_json(listing) << std::endl;
    } else {
        print_catalog_text(listing, out);
    }
    return kExitOk;
}

}  // namespace taskhost
