// `taskhost run`: config -> plugins -> request -> key -> plugin -> outcome on stdout.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace taskhost {

// `args` are the words after "run". Returns the exit code (see outcome.h).
int run_command(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
                std::ostream& err);

}  // namespace taskhost
