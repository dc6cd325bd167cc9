#include "cli_help.h"

#include <taskhost/plugin.h>

#ifndef TASKHOST_VERSION
#define TASKHOST_VERSION "0.0.0"
#endif

namespace taskhost {

std::string main_help() {
    return R"(usage: taskhost COMMAND [ARGS...]

Runs tasks of plugins (shared libraries speaking the taskhost C ABI) as configured accounts.

commands:
  run TASK [name=value ...]   run one task and print its outcome as JSON
  plugins                     list the plugins, their tasks, and plugins that were refused
  help [COMMAND]              show help for a command

flags:
  --version                   print the version and the plugin ABI version
  --help                      show this help

The config is --config FILE, else $TASKHOST_CONFIG, else /etc/taskhost/config.json.
)";
}

std::string run_help() {
    return R"(usage: taskhost run TASK [name=value ...] [--account NAME] [--spec FILE|-] [--check]
                    [--id ID] [--detailed-exitcodes] [--pretty] [--config FILE]

Runs one task and prints its outcome as one line of JSON on stdout; logs go to stderr.

  name=value          a task param, typed by the task's params schema: integers must be whole
                      numbers, booleans true|false, arrays a comma list (a,b) or JSON ([...]),
                      objects JSON ({...}); other params are strings. Each name at most once.
  --account NAME      the configured account to run as (optional when there is only one)
  --spec FILE|-       a JSON spec: {"task","id","dry_run","account","params"}; "-" reads stdin.
                      A spec never holds a key or a "connection": keys come from accounts.
  --check             dry run: plan and report the exact request, send nothing. Works without
                      a usable key (noted on stderr).
  --id ID             a correlation id echoed in the outcome
  --detailed-exitcodes
                      Puppet-style exit codes, see below
  --pretty            indent the outcome JSON
  --config FILE       the config file

exit codes:
  default:              0 ok (succeeded, skipped, planned), 1 the task failed, 2 usage or
                        config error (the task did not run)
  --detailed-exitcodes: 0 unchanged, 2 changed, 4 the task failed, 1 usage or config error
                        (so that 2 always means "changed")

A usage or config error also prints an outcome with error.kind "invalid_input" on stdout.
SIGINT/SIGTERM ask the task to stop; it then reports status "cancelled".
)";
}

std::string plugins_help() {
    return R"(usage: taskhost plugins [--json] [--config FILE]

Loads every *.so in the config's plugin_dir and shows what each describes: name, version,
ABI, sha256 of the file, its tasks. Plugins that were refused are listed with the reason and
the fix. Exit code 0 when the plugin directory could be read (even with refusals), 2 on a
usage or config error.

  --json          print {"plugin_dir", "plugins": [...], "refusals": [...]} as JSON
  --config FILE   the config file
)";
}

std::string help_help() {
    return R"(usage: taskhost help [COMMAND]

Shows the help of COMMAND (run, plugins, help), or the overview.
)";
}

std::string version_text() {
    return std::string("taskhost ") + TASKHOST_VERSION + " (plugin ABI " +
           std::to_string(TASKHOST_ABI_VERSION) + ")\n";
}

}  // namespace taskhost
