// `taskhost plugins`: what each plugin in plugin_dir describes, and which were refused why.
#pragma once

#include <Poco/JSON/Object.h>

#include <iosfwd>
#include <string>
#include <vector>

#include "plugin_catalog.h"

namespace taskhost {

// {"plugin_dir", "plugins": [{file, name, version, abi_version, sha256, generation, loaded_at,
// last_reload_error, describe}], "refusals": [{file, problem, fix, msg}]}: what `plugins --json`
// prints, and what the daemon's GET /v1/plugins answers (plus its last reload).
Poco::JSON::Object::Ptr catalog_json(const std::string& plugin_dir, const PluginCatalog& catalog);

// The human listing of such a document (in-process or from the daemon alike).
void print_catalog_text(const Poco::JSON::Object::Ptr& listing, std::ostream& out);

// `args` are the words after "plugins". Returns the exit code.
int plugins_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace taskhost
