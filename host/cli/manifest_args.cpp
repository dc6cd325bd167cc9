#include "cli/manifest_args.h"

namespace taskhost {
namespace {

using O = ManifestOptions;

constexpr ValueCheck kConcurrency = number_of("tasks", 1, kMaxManifestConcurrency);

const FlagTable<ManifestOptions>& plan_flags() {
    static const FlagTable<ManifestOptions> table{
        "plan",
        "PATH...",
        {
            {"--json", "", kSwitch, &O::json,
             "one JSON object per task, then {\"summary\": {...}}"},
            {"--strict", "", kSwitch, &O::strict,
             "any problem in any manifest: plan nothing, exit 2"},
            {"--detailed-exitcodes", "", kSwitch, &O::detailed_exitcodes,
             "0 nothing would be sent, 2 something would, 4 a task is invalid or\n"
             "failed, 1 usage or config error"},
            {"--state-dir", "DIR", kNonEmpty, &O::state_dir,
             "where the embedded SQLite ledger lives (default: the config's\n"
             "\"state_dir\", else /var/lib/taskhost)"},
            {"--concurrency", "N", kConcurrency, &O::concurrency,
             "tasks checked at once (default 8, at most 64)"},
            {"--socket", "PATH", kNonEmpty, &O::socket,
             "send each manifest file to the daemon listening on PATH, which\n"
             "plans it with its plugins and ledger (one request per file)"},
            {"--verbose", "", kSwitch, &O::verbose, "also show the plugin's info lines on stderr"},
            {"--config", "FILE", kNonEmpty, &O::config, "the config file"},
        }};
    return table;
}

const FlagTable<ManifestOptions>& apply_flags() {
    static const FlagTable<ManifestOptions> table{
        "apply",
        "PATH...",
        {
            {"--json", "", kSwitch, &O::json,
             "one JSON object per task as it completes, then {\"summary\": {...}}"},
            {"--force", "", kSwitch, &O::force,
             "send every task, whatever the ledger's journal says"},
            {"--strict", "", kSwitch, &O::strict,
             "any problem in any manifest: apply nothing, exit 2"},
            {"--detailed-exitcodes", "", kSwitch, &O::detailed_exitcodes,
             "0 nothing changed, 2 something was sent, 4 a task failed or is invalid,\n"
             "1 usage or config error"},
            {"--state-dir", "DIR", kNonEmpty, &O::state_dir,
             "where the embedded SQLite ledger lives (default: the config's\n"
             "\"state_dir\", else /var/lib/taskhost); applies of one ledger may run\n"
             "at once: each sends only what no other has claimed"},
            {"--concurrency", "N", kConcurrency, &O::concurrency,
             "tasks in flight at once (default 8, at most 64)"},
            {"--socket", "PATH", kNonEmpty, &O::socket,
             "send each manifest file to the daemon listening on PATH, which\n"
             "applies it with its plugins, pacer and ledger: one request per file,\n"
             "its results in one answer (no --state-dir or --verbose then)"},
            {"--verbose", "", kSwitch, &O::verbose, "also show the plugin's info lines on stderr"},
            {"--config", "FILE", kNonEmpty, &O::config, "the config file"},
        }};
    return table;
}

}  // namespace

const FlagTable<ManifestOptions>& manifest_flags(ManifestMode mode) {
    return mode == ManifestMode::kApply ? apply_flags() : plan_flags();
}

Result<ManifestOptions> parse_manifest_args(ManifestMode mode,
                                            const std::vector<std::string>& args) {
    const FlagTable<ManifestOptions>& table = manifest_flags(mode);
    try {
        ManifestOptions options;
        options.mode = mode;
        options.paths = table.parse(args, options);
        if (options.socket && (options.state_dir || options.verbose)) {
            fail(options.state_dir ? "--state-dir" : "--verbose", "does not go with --socket",
                 "the daemon uses its own ledger and logs; drop one of them");
        }
        if (options.paths.empty() && !options.help) {
            const std::string& command = table.syntax().command();
            fail("PATH", "is missing",
                 "write taskhost " + command + " PATH... (manifest files or directories of them)");
        }
        return options;
    } catch (const HostErrorException& e) {
        return e.error();
    }
}

}  // namespace taskhost
