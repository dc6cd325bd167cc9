#include "cli/manifest_command.h"

#include <unistd.h>

#include <ostream>

#include "cli/cli_args.h"
#include "cli/manifest_args.h"
#include "cli/manifest_reporter.h"
#include "config/host_config.h"
#include "manifest/manifest_run.h"
#include "pacing/host_pacer.h"
#include "plugins/plugin_catalog.h"
#include "tasks/outcome.h"

namespace taskhost {
namespace {

int usage_error(const HostError& error, bool detailed, std::ostream& err) {
    err << "taskhost: " << error.text() << std::endl;
    return exit_code_for_usage_error(detailed);
}

int manifest_command(ManifestMode mode, const std::vector<std::string>& args, std::ostream& out,
                     std::ostream& err) {
    const bool detailed = wants_detailed_exitcodes(args);
    Result<ManifestOptions> parsed = parse_manifest_args(mode, args);
    if (!parsed.ok()) {
        return usage_error(parsed.error(), detailed, err);
    }
    const ManifestOptions& options = parsed.value();
    if (options.help) {
        out << (mode == ManifestMode::kApply ? apply_help() : plan_help());
        return kExitOk;
    }
    Result<HostConfig> config = load_host_config(choose_config_path(options.config));
    if (!config.ok()) {
        return usage_error(config.error(), detailed, err);
    }
    PluginLibrary library;
    Result<PluginCatalog> catalog = PluginCatalog::scan(config.value().plugin_dir, library);
    if (!catalog.ok()) {
        return usage_error(catalog.error(), detailed, err);
    }
    for (const PluginRefusal& refusal : catalog.value().refusals()) {
        err << "taskhost: refused " << refusal.reason.text() << std::endl;
    }

    ManifestRunSettings settings;
    settings.mode = mode;
    settings.force = options.force;
    settings.strict = options.strict;
    settings.concurrency = options.concurrency;
    if (options.state_dir) {
        settings.state_dir = *options.state_dir;
    }
    HostPacer pacer;  // one per process: every task of this run shares it
    ManifestRun run(config.value(), catalog.value(), pacer, settings);
    ManifestReporter reporter(out, err, mode, options.json, options.verbose,
                              ::isatty(STDERR_FILENO) == 1 && &err == &std::cerr);
    Result<ManifestRunReport> report = run.run(options.paths, reporter.observer());
    if (!report.ok()) {
        return usage_error(report.error(), options.detailed_exitcodes, err);
    }
    reporter.summary(report.value().summary);
    return exit_code_for_run(report.value().summary, options.detailed_exitcodes);
}

}  // namespace

int plan_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    return manifest_command(ManifestMode::kPlan, args, out, err);
}

int apply_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    return manifest_command(ManifestMode::kApply, args, out, err);
}

std::string plan_help() {
    return R"(usage: taskhost plan PATH... [--json] [--strict] [--detailed-exitcodes]
                     [--state-dir DIR] [--concurrency N] [--verbose] [--config FILE]

Shows, for each task of the manifests in PATH (files, or directories of *.json manifests),
whether `taskhost apply` would send it, and if not, why: done within its resend_interval (per
the journal), a duplicate of another task, already validated (the plugin's dry run, which may
make read-only GETs), or invalid. Sends nothing to the resend endpoint; never writes state.

  --json              one JSON object per task, then {"summary": {...}}
  --strict            any problem in any manifest: plan nothing, exit 2
  --detailed-exitcodes
                      0 nothing would be sent, 2 something would, 4 a task is invalid or
                      failed, 1 usage or config error
  --state-dir DIR     where the journal lives (default: the config's "state_dir", else
                      /var/lib/taskhost)
  --concurrency N     tasks checked at once (default 8, at most 64)
  --verbose           also show the plugin's info lines on stderr
  --config FILE       the config file

exit codes: 0 ok, 1 a task is invalid or failed, 2 usage or config error (or --strict refused).
)";
}

std::string apply_help() {
    return R"(usage: taskhost apply PATH... [--json] [--force] [--strict] [--detailed-exitcodes]
                      [--state-dir DIR] [--concurrency N] [--verbose] [--config FILE]

Runs what `taskhost plan` shows: sends each task not done within its resend_interval, N at a
time, paced per API key below the rate limits (the plugin's, or the account's "rate_limits"),
and records every resend in the journal (intent before, completion after, each durable). A task
whose previous apply was killed while sending it is sent again and reported "in_doubt".
One invalid task does not stop the others (unless --strict). A progress bar shows on a terminal.

  --json              one JSON object per task as it completes, then {"summary": {...}}
  --force             send every task, whatever the journal says
  --strict            any problem in any manifest: apply nothing, exit 2
  --detailed-exitcodes
                      0 nothing changed, 2 something was sent, 4 a task failed or is invalid,
                      1 usage or config error
  --state-dir DIR     where the journal lives (default: the config's "state_dir", else
                      /var/lib/taskhost); one apply at a time per state directory
  --concurrency N     tasks in flight at once (default 8, at most 64)
  --verbose           also show the plugin's info lines on stderr
  --config FILE       the config file

exit codes: 0 ok, 1 a task failed or is invalid, 2 usage or config error (or --strict refused).
SIGINT/SIGTERM stop it: tasks in flight are cancelled, the rest are reported as not started.
)";
}

}  // namespace taskhost
