// `taskhost serve`: the daemon as a process. Signals are handled by sigwait on the main
// thread (never code in a signal handler): SIGHUP reloads the plugins, SIGTERM/SIGINT drain
// and exit 0.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace taskhost {

int serve_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace taskhost
