// A catalog as JSON: what `taskhost plugins --json` prints and the daemon's GET /v1/plugins
// answers, so both say the same thing in the same shape.
#pragma once

#include <Poco/JSON/Object.h>

#include <string>

#include "plugins/plugin_catalog.h"

namespace taskhost {

// {"plugin_dir", "plugins": [{file, name, version, abi_version, sha256, generation, loaded_at,
// last_reload_error, describe}], "refusals": [{file, problem, fix, msg}]}: what `plugins --json`
// prints, and what the daemon's GET /v1/plugins answers (plus its last reload).
Poco::JSON::Object::Ptr catalog_json(const std::string& plugin_dir, const PluginCatalog& catalog);

}  // namespace taskhost
