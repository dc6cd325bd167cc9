#include "daemon/health_verdict.h"

#include "util/bounded_json.h"

#ifndef TASKHOST_VERSION
#define TASKHOST_VERSION "unknown"
#endif

namespace taskhost {
namespace {

using Poco::JSON::Object;

constexpr size_t kMaxReasonChars = 512;

uint64_t count_of(const Object& summary, const char* key) {
    return summary.has(key) ? summary.getValue<uint64_t>(key) : 0;
}

// Why one file's last apply failed, or "" when it did not.
std::string apply_failure(const Object& apply) {
    if (apply.has("error")) {
        return apply.getValue<std::string>("error");
    }
    const Object::Ptr summary = apply.getObject("summary");
    if (summary.isNull()) {
        return "";
    }
    const uint64_t failed = count_of(*summary, "failed");
    const uint64_t invalid = count_of(*summary, "invalid");
    const uint64_t in_doubt = count_of(*summary, "in_doubt");
    if (failed + invalid + in_doubt == 0) {
        return "";
    }
    return std::to_string(failed) + " failed, " + std::to_string(invalid) + " invalid, " +
           std::to_string(in_doubt) + " in doubt";
}

void add_reason(std::vector<std::string>& reasons, const std::string& reason) {
    if (reasons.size() < kMaxHealthReasons) {
        reasons.push_back(printable(reason, kMaxReasonChars));
    }
}

}  // namespace

bool manifests_applied_cleanly(const Poco::JSON::Object& status,
                               std::vector<std::string>* failures) {
    const Object::Ptr files = status.getObject("files");
    if (files.isNull()) {
        return true;
    }
    bool clean = true;
    for (const auto& entry : *files) {
        const Object::Ptr file = files->getObject(entry.first);
        const Object::Ptr apply = file.isNull() ? nullptr : file->getObject("apply");
        if (apply.isNull()) {
            continue;
        }
        const std::string why = apply_failure(*apply);
        if (!why.empty()) {
            clean = false;
            if (failures != nullptr) {
                failures->push_back("manifest " + entry.first + ": last apply failed: " + why);
            }
        }
    }
    return clean;
}

std::vector<std::string> health_reasons(const PluginCatalog& catalog, const ReloadReport* start,
                                        const Poco::JSON::Object::Ptr& manifests) {
    std::vector<std::string> reasons;
    if (catalog.plugins().empty()) {
        add_reason(reasons, "no plugin is loaded");
    }
    if (start != nullptr) {
        for (const PluginFileReport& file : start->files) {
            // A file fixed since (serving now) no longer counts against the daemon.
            if (file.refusal && catalog.plugin_from(file.file) == nullptr) {
                add_reason(reasons, "plugin refused at start: " + file.refusal->text());
            }
        }
    }
    if (!manifests.isNull()) {
        std::vector<std::string> failures;
        manifests_applied_cleanly(*manifests, &failures);
        for (const std::string& failure : failures) {
            add_reason(reasons, failure);
        }
    }
    return reasons;
}

const char* taskhost_version() {
    return TASKHOST_VERSION;
}

}  // namespace taskhost
