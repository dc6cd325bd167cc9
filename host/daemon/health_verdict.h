// Whether the daemon can do its job, and if not every reason why: what GET /v1/health answers
// (200 ok, else 503 unavailable with the reasons), and what `taskhost status` prints. A daemon
// that serves no plugin, refused a plugin file at start (still not serving from it), or whose
// manifest watch's last apply of a file failed is not healthy, however well its socket answers.
#pragma once

#include <Poco/JSON/Object.h>

#include <string>
#include <vector>

#include "daemon/reload_report.h"
#include "plugins/plugin_catalog.h"

namespace taskhost {

// At most this many reasons are listed (each bounded too): the answer stays small.
constexpr size_t kMaxHealthReasons = 16;

// `start`: the report of the load at start (null if unknown); `manifests`: the manifest watch's
// status() (null without a watch). Empty: healthy.
std::vector<std::string> health_reasons(const PluginCatalog& catalog, const ReloadReport* start,
                                        const Poco::JSON::Object::Ptr& manifests);

// The manifest watch's status(): false when the last apply of any file failed (an error, or a
// task failed, was invalid or is in doubt); each such file is named in `failures` when given.
bool manifests_applied_cleanly(const Poco::JSON::Object& status,
                               std::vector<std::string>* failures = nullptr);

// The project's version, as `taskhost --version` prints it.
const char* taskhost_version();

}  // namespace taskhost
