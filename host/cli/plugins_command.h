// `taskhost plugins`: what each plugin in plugin_dir describes, and which were refused why.
#pragma once

#include <Poco/JSON/Object.h>

#include <iosfwd>
#include <string>
#include <vector>

#include "plugins/plugin_catalog_json.h"

namespace taskhost {

// The human listing of such a document (in-process or from the daemon alike).
void print_catalog_text(const Poco::JSON::Object::Ptr& listing, std::ostream& out);

// `args` are the words after "plugins". Returns the exit code.
int plugins_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace taskhost
