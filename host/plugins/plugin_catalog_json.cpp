#include "plugins/plugin_catalog_json.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Array.h>
#include <Poco/Timestamp.h>

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

}  // namespace

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
        entry->set("generation", plugin->generation());
        entry->set("loaded_at", iso_time(plugin->loaded_at()));
        // A reload refused a newer file, and this older generation kept serving.
        const PluginRefusal* refusal = catalog.refusal_of(plugin->source_path());
        entry->set("last_reload_error", refusal != nullptr
                                            ? Poco::Dynamic::Var(refusal->reason.text())
                                            : Poco::Dynamic::Var());
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

}  // namespace taskhost
