// `taskhost run`: config -> plugins -> request -> key -> plugin -> outcome on stdout.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace taskhost {

struct RunOptions;

// Whether `taskhost run` prints a listing outcome as a table: as --format says, else when `out`
// is the process's stdout and that is a terminal.
bool run_output_is_table(const RunOptions& options, const std::ostream& out);

// `args` are the words after "run". Returns the exit code (see outcome.h).
int run_command(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
                std::ostream& err);

}  // namespace taskhost
