#include "cli/manifest_command.h"

#include <unistd.h>

#include <ostream>

#include "cli/cli_args.h"
#include "cli/cli_help.h"
#include "cli/command_startup.h"
#include "cli/manifest_args.h"
#include "cli/manifest_reporter.h"
#include "cli/remote_manifest.h"
#include "ledger/open_ledger.h"
#include "manifest/manifest_run.h"
#include "pacing/host_pacer.h"
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
    if (options.socket) {
        return manifest_through_daemon(options, out, err);
    }
    Result<std::unique_ptr<CommandStartup>> started =
        start_command(options.config, Startup::kPlugins, err);
    if (!started.ok()) {
        return usage_error(started.error(), detailed, err);
    }
    const CommandStartup& startup = *started.value();

    ManifestRunSettings settings;
    settings.mode = mode;
    settings.force = options.force;
    settings.strict = options.strict;
    settings.concurrency = options.concurrency;
    settings.keep_results = false;  // streamed to the reporter as each finishes
    Result<OpenedLedger> ledger = open_ledger(
        startup.config, options.state_dir.value_or(""),
        mode == ManifestMode::kApply ? LedgerAccess::kReadWrite : LedgerAccess::kReadOnly);
    if (!ledger.ok()) {
        return usage_error(ledger.error(), detailed, err);
    }
    HostPacer pacer;  // one per process: every task of this run shares it, and the ledger's
    pacer.share_with(ledger.value().ledger->budget());  // budget with every other process
    ManifestRun run(startup.config, startup.catalog, pacer, *ledger.value().ledger, settings);
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

}  // namespace taskhost
