// `taskhost plan PATH...` and `taskhost apply PATH...`: config -> plugins -> ManifestRun ->
// one line per task and a summary on stdout.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace taskhost {

// `args` are the words after "plan" / "apply". Returns the exit code (manifest_run.h).
int plan_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
int apply_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace taskhost
