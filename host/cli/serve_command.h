// `taskhost serve`: the daemon as a process. Signals are handled by sigwait on the main
// thread (never code in a signal handler): SIGHUP reopens the audit log and reloads the
// plugins, SIGTERM/SIGINT drain and exit 0. Under systemd it reports READY=1, RELOADING=1 and
// STOPPING=1 (and STATUS=) through sd_notify, and serves a socket systemd passes.
// --log-format text|json and --log-level choose the daemon's log (daemon_log.h).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace taskhost {

int serve_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// `taskhost serve --help` and `taskhost help serve`: the serve flags, then the log flags.
std::string serve_command_help();

}  // namespace taskhost
