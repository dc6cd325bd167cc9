#include "cli/cli_help.h"

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
  plan PATH...                show what apply would send for the manifests in PATH, and why
  apply PATH...               converge the manifests: send what is due, paced, journaled
  serve                       run the daemon: an HTTP+JSON API on a unix socket
  reload                      ask the daemon to reload its plugins now
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
                    [--socket PATH]

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
  --socket PATH       send the task to the daemon listening on PATH (taskhost serve) instead
                      of running it here; the daemon resolves the account's key. Same output
                      and exit codes.

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
  --socket PATH   ask the daemon listening on PATH what it serves (adds each plugin's
                  generation, last reload error and the last reload)
)";
}

std::string help_help() {
    return R"(usage: taskhost help [COMMAND]

Shows the help of COMMAND (run, plugins, help), or the overview.
)";
}

std::string serve_help() {
    return R"(usage: taskhost serve [--config FILE] [--socket PATH]

Runs the daemon: loads every plugin in plugin_dir and serves HTTP/1.1 + JSON on a unix socket
(default /run/taskhost/taskhost.sock, mode 0660, group daemon.group). Logs and one audit line
per task go to stderr (or daemon.audit_log).

  GET  /v1/health              GET  /v1/plugins             POST /v1/plugins/reload
  POST /v1/tasks[?wait=false]  GET  /v1/tasks/{id}          GET  /v1/manifests

  --config FILE   the config file; its "daemon" section sets socket, group, max_concurrency,
                  max_queue, drain_timeout_ms, keep_finished_tasks, audit_log,
                  watch_plugin_dir, manifests_dir and an opt-in loopback "tcp" listener
                  {port, token_file}
  --socket PATH   listen here instead of daemon.socket

Plugins are reloaded on SIGHUP, on POST /v1/plugins/reload (taskhost reload) and when the
plugin directory changes. SIGTERM/SIGINT: stop accepting, let in-flight tasks finish for up to
drain_timeout_ms, cancel the rest, exit 0. Exit code 2: usage or config error.
)";
}

std::string reload_help() {
    return R"(usage: taskhost reload [--socket PATH] [--json] [--config FILE]

Asks the daemon to reload its plugins now and prints the result for each plugin file: loaded
(a new generation), unchanged, refused (why; the previous generation keeps serving) or removed.
Exit code 0 when nothing was refused, 1 when something was, 2 when the daemon could not be
reached or on a usage error.

  --socket PATH   the daemon's socket; without it, the config's daemon.socket
  --json          print the daemon's answer as JSON
  --config FILE   the config file (read only for daemon.socket)
)";
}

std::string version_text() {
    return std::string("taskhost ") + TASKHOST_VERSION + " (plugin ABI " +
           std::to_string(TASKHOST_ABI_VERSION) + ")\n";
}

}  // namespace taskhost
