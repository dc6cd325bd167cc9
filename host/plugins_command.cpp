#include "plugins_command.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Timestamp.h>

#include <ostream>

#include "bounded_json.h"
#include "cli_args.h"
#include "cli_help.h"
#include "host_config.h"
#include "outcome.h"
#include "plugin_catalog.h"

namespace taskhost {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

std::string iso_time(std::chrono::system_clock::time_point at) {
    const auto us =
        std::chrono::duration_cast<std::chrono::microseconds>(at.time_since_epoch()).count();
    return Poco::DateTimeFormatter::format(Poco::Timestamp(us),
                                           Poco::DateTimeFormat::ISO8601_FRAC_FORMAT);
}

Object::Ptr catalog_json(const std::string& plugin_dir, const PluginCatalog& catalog) {
    Object::Ptr root = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    root->set("plugin_dir", plugin_dir);
    Array::Ptr plugins = new Array;
    for (const auto& plugin : catalog.plugins()) {
        Object::Ptr entry = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        entry->set("file", plugin->source_path());
        entry->set("name", plugin->name());
        entry->set("version", plugin->description().version);
        entry->set("abi_version", plugin->description().abi_major);
        entry->set("sha256", plugin->sha256());
        entry->set("loaded_at", iso_time(plugin->loaded_at()));
        entry->set("describe", plugin->description().raw);
        plugins->add(entry);
    }
    root->set("plugins", plugins);
    Array::Ptr refusals = new Array;
    for (const PluginRefusal& refusal : catalog.refusals()) {
        Object::Ptr entry = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        entry->set("file", refusal.file);
        entry->set("problem", refusal.reason.problem);
        entry->set("fix", refusal.reason.fix);
        entry->set("msg", refusal.reason.text());
        refusals->add(entry);
    }
    root->set("refusals", refusals);
    return root;
}

void print_text(const std::string& plugin_dir, const PluginCatalog& catalog, std::ostream& out) {
    out << "plugin directory " << plugin_dir << "\n";
    if (catalog.plugins().empty()) {
        out << "no plugins loaded\n";
    }
    for (const auto& plugin : catalog.plugins()) {
        const PluginDescription& d = plugin->description();
        out << "\nplugin " << d.name << " " << d.version << " (ABI " << d.abi_major << ")\n"
            << "  file    " << plugin->source_path() << "\n"
            << "  sha256  " << plugin->sha256() << "\n";
        for (const TaskDescription& task : d.tasks) {
            out << "  task    " << task.name << (task.supports_dry_run ? " [--check]" : "") << ": "
                << printable(task.summary, 200) << "\n";
        }
    }
    for (const PluginRefusal& refusal : catalog.refusals()) {
        out << "\nrefused " << refusal.file << "\n  " << refusal.reason.text() << "\n";
    }
}

}  // namespace

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
    Result<HostConfig> config = load_host_config(choose_config_path(options.value().config));
    if (!config.ok()) {
        err << "taskhost: " << config.error().text() << std::endl;
        return kExitUsage;
    }
    PluginLibrary library;
    const std::string& plugin_dir = config.value().plugin_dir;
    Result<PluginCatalog> catalog = PluginCatalog::scan(plugin_dir, library);
    if (!catalog.ok()) {
        err << "taskhost: " << catalog.error().text() << std::endl;
        return kExitUsage;
    }
    if (options.value().json) {
        out << to_json(catalog_json(plugin_dir, catalog.value())) << std::endl;
    } else {
        print_text(plugin_dir, catalog.value(), out);
    }
    return kExitOk;
}

}  // namespace taskhost
