#include "daemon/reload_report.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Array.h>
#include <Poco/Timestamp.h>

#include <algorithm>
#include <set>

namespace taskhost {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

ServingPlugin serving_of(const PluginGeneration& plugin) {
    return ServingPlugin{plugin.name(), plugin.description().version, plugin.sha256(),
                         plugin.generation()};
}

Object::Ptr error_json(const HostError& error) {
    Object::Ptr json = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    json->set("where", error.where);
    json->set("problem", error.problem);
    json->set("fix", error.fix);
    json->set("msg", error.text());
    return json;
}

}  // namespace

const char* action_name(PluginFileReport::Action action) {
    switch (action) {
        case PluginFileReport::Action::kLoaded:
            return "loaded";
        case PluginFileReport::Action::kUnchanged:
            return "unchanged";
        case PluginFileReport::Action::kRefused:
            return "refused";
        case PluginFileReport::Action::kRemoved:
            return "removed";
    }
    return "unknown";
}

std::string iso_time(std::chrono::system_clock::time_point at) {
    const auto us =
        std::chrono::duration_cast<std::chrono::microseconds>(at.time_since_epoch()).count();
    return Poco::DateTimeFormatter::format(Poco::Timestamp(us),
                                           Poco::DateTimeFormat::ISO8601_FRAC_FORMAT);
}

std::vector<PluginFileReport> compare_catalogs(const PluginCatalog* before,
                                               const PluginCatalog& after) {
    std::set<std::string> files;
    for (const auto& plugin : after.plugins()) {
        files.insert(plugin->source_path());
    }
    for (const PluginRefusal& refusal : after.refusals()) {
        files.insert(refusal.file);
    }
    std::vector<PluginFileReport> reports;
    for (const std::string& file : files) {
        PluginFileReport report;
        report.file = file;
        const auto now = after.plugin_from(file);
        if (now != nullptr) {
            report.serving = serving_of(*now);
        }
        if (const PluginRefusal* refusal = after.refusal_of(file)) {
            report.action = PluginFileReport::Action::kRefused;
            report.refusal = refusal->reason;
        } else {
            const auto was = before != nullptr ? before->plugin_from(file) : nullptr;
            report.action = (was != nullptr && was == now) ? PluginFileReport::Action::kUnchanged
                                                           : PluginFileReport::Action::kLoaded;
        }
        reports.push_back(std::move(report));
    }
    if (before != nullptr) {
        for (const auto& plugin : before->plugins()) {
            if (files.count(plugin->source_path()) == 0) {
                PluginFileReport report;
                report.file = plugin->source_path();
                report.action = PluginFileReport::Action::kRemoved;
                reports.push_back(std::move(report));
            }
        }
    }
    std::sort(reports.begin(), reports.end(),
              [](const PluginFileReport& a, const PluginFileReport& b) { return a.file < b.file; });
    return reports;
}

size_t ReloadReport::refused() const {
    return static_cast<size_t>(
        std::count_if(files.begin(), files.end(), [](const PluginFileReport& report) {
            return report.action == PluginFileReport::Action::kRefused;
        }));
}

Object::Ptr ReloadReport::to_json() const {
    Object::Ptr json = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    json->set("reload", serial);
    Array::Ptr trigger_list = new Array;
    for (const std::string& trigger : triggers) {
        trigger_list->add(trigger);
    }
    json->set("triggers", trigger_list);
    json->set("started_at", iso_time(started_at));
    json->set("duration_ms", duration_ms);
    json->set("ok", !directory_error && refused() == 0);
    if (directory_error) {
        json->set("error", error_json(*directory_error));
    }
    Array::Ptr plugin_list = new Array;
    for (const PluginFileReport& report : files) {
        Object::Ptr entry = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        entry->set("file", report.file);
        entry->set("result", std::string(action_name(report.action)));
        if (report.serving) {
            entry->set("name", report.serving->name);
            entry->set("version", report.serving->version);
            entry->set("sha256", report.serving->sha256);
            entry->set("generation", report.serving->generation);
        }
        if (report.refusal) {
            entry->set("error", error_json(*report.refusal));
            // Which generation (if any) still serves from this file despite the refusal.
            entry->set("still_serving", report.serving.has_value());
        }
        plugin_list->add(entry);
    }
    json->set("plugins", plugin_list);
    return json;
}

}  // namespace taskhost
