// What one reload did, file by file: loaded (a new generation), unchanged (same bytes, same
// generation), refused (why, and which older generation keeps serving, if any) or removed.
// This is the answer to POST /v1/plugins/reload, and what GET /v1/plugins shows as last_reload.
#pragma once

#include <Poco/JSON/Object.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "plugins/plugin_catalog.h"
#include "util/host_error.h"

namespace taskhost {

struct ServingPlugin {
    std::string name;
    std::string version;
    std::string sha256;
    uint64_t generation = 0;
};

struct PluginFileReport {
    enum class Action { kLoaded, kUnchanged, kRefused, kRemoved };
    std::string file;
    Action action = Action::kLoaded;
    std::optional<ServingPlugin> serving;  // what serves from this file after the reload
    std::optional<HostError> refusal;      // kRefused: why
};

struct ReloadReport {
    uint64_t serial = 0;                // 1 for the load at start, then 2, 3, ...
    std::vector<std::string> triggers;  // every trigger this reload answered ("sighup", ...)
    std::chrono::system_clock::time_point started_at{};
    int64_t duration_ms = 0;
    std::optional<HostError> directory_error;  // the whole scan failed; nothing changed
    std::vector<PluginFileReport> files;

    size_t refused() const;
    Poco::JSON::Object::Ptr to_json() const;
};

// Compares the catalog that served before (null at start) with the one a scan produced.
std::vector<PluginFileReport> compare_catalogs(const PluginCatalog* before,
                                               const PluginCatalog& after);

const char* action_name(PluginFileReport::Action action);

// ISO 8601 with fractions, UTC.
std::string iso_time(std::chrono::system_clock::time_point at);

}  // namespace taskhost
