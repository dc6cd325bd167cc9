// The command line of each subcommand, parsed into plain values by the command's flag table
// (flag_table.h). Unknown flags, missing flag values and repeated flags are usage errors that
// name the flag.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/daemon_client.h"
#include "cli/flag_table.h"
#include "tasks/task_request.h"
#include "util/host_error.h"

namespace taskhost {

struct RunOptions {
    CommandLineTask task;
    std::optional<std::string> spec_source;  // a file, or "-" for stdin
    std::optional<std::string> config;
    std::optional<std::string> socket;  // run through the daemon listening there
    bool detailed_exitcodes = false;
    bool pretty = false;
    // "table" or "json"; absent: a table when stdout is a terminal and the outcome is a listing
    std::optional<std::string> format;
    bool help = false;
};

struct PluginsOptions {
    std::optional<std::string> config;
    std::optional<std::string> socket;             // ask the daemon listening there
    size_t timeout_seconds = kAdminAnswerSeconds;  // with socket: for the daemon's answer
    bool json = false;
    bool help = false;
};

// `taskhost serve`: the daemon.
struct ServeOptions {
    std::optional<std::string> config;
    std::optional<std::string> socket;  // overrides the config's daemon.socket
    bool allow_core_dumps = false;      // else the daemon is not dumpable (it holds keys)
    bool help = false;
};

// `taskhost reload`: asks the daemon to reload its plugins.
struct ReloadOptions {
    std::optional<std::string> config;  // only read for daemon.socket when --socket is absent
    std::optional<std::string> socket;
    size_t timeout_seconds = kReloadAnswerSeconds;  // for the daemon's answer
    bool json = false;
    bool help = false;
};

// Each command's flags: what its parse_*_args reads and what its --help lists.
const FlagTable<RunOptions>& run_flags();
const FlagTable<PluginsOptions>& plugins_flags();
const FlagTable<ServeOptions>& serve_flags();
const FlagTable<ReloadOptions>& reload_flags();

// `args` are the words after the subcommand name.
Result<RunOptions> parse_run_args(const std::vector<std::string>& args);
Result<PluginsOptions> parse_plugins_args(const std::vector<std::string>& args);
Result<ServeOptions> parse_serve_args(const std::vector<std::string>& args);
Result<ReloadOptions> parse_reload_args(const std::vector<std::string>& args);

// Whether --detailed-exitcodes is among `args`, looked up before parsing so that even a usage
// error is reported with the exit code the caller asked for.
bool wants_detailed_exitcodes(const std::vector<std::string>& args);

}  // namespace taskhost
