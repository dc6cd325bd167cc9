// The CLI's side of the daemon: `taskhost run --socket`, `taskhost plugins --socket` and
// `taskhost reload` send their work over the unix socket and print what an in-process run
// prints, with the same exit codes (0 ok, 1 task failed, 2 usage/config error or no daemon;
// --detailed-exitcodes as in-process).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "cli/cli_args.h"

namespace taskhost {

int run_through_daemon(const RunOptions& options, std::istream& in, std::ostream& out,
                       std::ostream& err);

int plugins_through_daemon(const PluginsOptions& options, std::ostream& out, std::ostream& err);

// `taskhost reload`: 0 every plugin loaded or unchanged, 1 some were refused (the old
// generations keep serving), 2 usage error or no daemon.
int reload_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace taskhost
