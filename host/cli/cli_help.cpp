#include "cli/cli_help.h"

#include <taskhost/plugin.h>

#include "cli/cli_args.h"
#include "cli/manifest_args.h"

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
  status                      ask the daemon how it is: health, plugins, tasks, manifests
  history                     who sent what, when (the ledger's record of every send)
  ledger migrate              create or upgrade the ledger's schema (PostgreSQL: before use)
  help [COMMAND]              show help for a command

flags:
  --version                   print the version and the plugin ABI version
  --help                      show this help

The config is --config FILE, else $TASKHOST_CONFIG, else /etc/taskhost/config.json.
Every send goes through the ledger (the config's "ledger": SQLite in state_dir by default,
PostgreSQL for a fleet): one pacing budget, one journal and one history per API key.
)";
}

std::string run_help() {
    const FlagTable<RunOptions>& flags = run_flags();
    return flags.usage() + R"(
Runs one task and prints its outcome as one line of JSON on stdout (a listing as a table on a
terminal, see --format); logs go to stderr.

  name=value          a task param, typed by the task's params schema: integers must be whole
                      numbers, booleans true|false, arrays a comma list (a,b) or JSON ([...]),
                      objects JSON ({...}); other params are strings. Each name at most once.
)" + flags.flags_help() +
           R"(
exit codes:
  default:              0 ok (succeeded, skipped, planned), 1 the task failed, 2 usage or
                        config error (the task did not run)
  --detailed-exitcodes: 0 unchanged, 2 changed, 4 the task failed, 1 usage or config error
                        (so that 2 always means "changed")

A usage or config error also prints an outcome with error.kind "invalid_input" on stdout.
SIGINT/SIGTERM ask the task to stop; it then reports status "cancelled".

Read-only tasks (marked [read-only] by `taskhost plugins`) only read, e.g. a listing: they
are paced and cancellable like any task, but never journaled and never skipped by a resend
interval, and --check (or "dry_run": true) runs them for real, with dry_run false, since what
they read is what a plan needs. Their outcome may hold "items" and a "summary": see --format.
)";
}

std::string plugins_help() {
    const FlagTable<PluginsOptions>& flags = plugins_flags();
    return flags.usage() + R"(
Loads every *.so in the config's plugin_dir and shows what each describes: name, version,
ABI, sha256 of the file, its tasks. Plugins that were refused are listed with the reason and
the fix. Exit code 0 when the plugin directory could be read (even with refusals), 2 on a
usage or config error.

)" + flags.flags_help();
}

std::string help_help() {
    return R"(usage: taskhost help [COMMAND]

Shows the help of COMMAND (run, plugins, plan, apply, serve, reload, history, ledger or help),
or the overview.
)";
}

std::string plan_help() {
    const FlagTable<ManifestOptions>& flags = manifest_flags(ManifestMode::kPlan);
    return flags.usage() + R"(
Shows, for each task of the manifests in PATH (files, or directories of *.json manifests),
whether `taskhost apply` would send it, and if not, why: done within its resend_interval (per
the ledger's journal), a duplicate of another task, already validated (the plugin's dry run,
which may make read-only GETs), or invalid. Sends nothing to the resend endpoint; never writes
the journal or the history. A task with "for_each" runs its read-only listing task for real
(dry_run false: reads are what a plan needs) and is planned as one task per item listed.

)" + flags.flags_help() +
           R"(
exit codes: 0 ok, 1 a task is invalid or failed, 2 usage or config error (or --strict refused).
)";
}

std::string apply_help() {
    const FlagTable<ManifestOptions>& flags = manifest_flags(ManifestMode::kApply);
    return flags.usage() + R"(
Runs what `taskhost plan` shows: sends each task not done within its resend_interval, N at a
time, paced per API key below the rate limits (the plugin's, or the account's "rate_limits"),
and records every resend in the ledger (intent before, completion and history after, each
durable). A task another process is sending right now is left to it ("in_progress"); one whose
sender was killed while sending it is sent again and reported "in_doubt". Applies of one ledger
may run at once (each sends only what no other has claimed).
One invalid task does not stop the others (unless --strict). A progress bar shows on a terminal.

)" + flags.flags_help() +
           R"(
exit codes: 0 ok, 1 a task failed or is invalid, 2 usage or config error (or --strict refused).
SIGINT/SIGTERM stop it: tasks in flight are cancelled, the rest are reported as not started.
)";
}

std::string serve_help() {
    const FlagTable<ServeOptions>& flags = serve_flags();
    return flags.usage() + R"(
Runs the daemon: loads every plugin in plugin_dir and serves HTTP/1.1 + JSON on a unix socket
(default /run/taskhost/taskhost.sock, mode 0660, group daemon.group). Logs go to stderr (or
--log-file), one audit line per task to the log (or daemon.audit_log); SIGHUP reopens both files.

  GET  /v1/health              GET  /v1/plugins             POST /v1/plugins/reload
  POST /v1/tasks[?wait=false]  GET  /v1/tasks/{id}          GET  /v1/manifests

)" + flags.flags_help() +
           R"(
Plugins are reloaded on SIGHUP, on POST /v1/plugins/reload (taskhost reload) and when the
plugin directory changes. SIGTERM/SIGINT: stop accepting, let in-flight tasks finish for up to
drain_timeout_ms, cancel the rest, exit 0. Exit code 2: usage or config error.
)";
}

std::string reload_help() {
    const FlagTable<ReloadOptions>& flags = reload_flags();
    return flags.usage() + R"(
Asks the daemon to reload its plugins now and prints the result for each plugin file: loaded
(a new generation), unchanged, refused (why; the previous generation keeps serving) or removed.
Exit code 0 when nothing was refused, 1 when something was, 2 when the daemon could not be
reached or on a usage error.

)" + flags.flags_help();
}

std::string version_text() {
    return std::string("taskhost ") + TASKHOST_VERSION + " (plugin ABI " +
           std::to_string(TASKHOST_ABI_VERSION) + ")\n";
}

}  // namespace taskhost
