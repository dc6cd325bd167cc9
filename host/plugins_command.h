// `taskhost plugins`: what each plugin in plugin_dir describes, and which were refused why.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace taskhost {

// `args` are the words after "plugins". Returns the exit code.
int plugins_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace taskhost
