#include "cli/cli_args.h"

#include "util/bounded_json.h"

namespace taskhost {
namespace {

// plugins, serve and reload: flags and no operand.
template <class Options>
Result<Options> parse_flags_only(const FlagTable<Options>& table,
                                 const std::vector<std::string>& args) {
    try {
        Options options;
        const std::vector<std::string> operands = table.parse(args, options);
        const std::string& command = table.syntax().command();
        if (!operands.empty() && !options.help) {
            fail("argument \"" + printable(operands[0], 64) + "\"", "is not expected",
                 "taskhost " + command + " takes only flags (see taskhost " + command + " --help)");
        }
        return options;
    } catch (const HostErrorException& e) {
        return e.error();
    }
}

// TASK, then name=value params. A task name never holds '=', so "run --spec f.json a=1" has
// params only.
void read_task_operands(const std::vector<std::string>& operands, CommandLineTask& task) {
    for (size_t i = 0; i < operands.size(); ++i) {
        const std::string& word = operands[i];
        if (i == 0 && word.find('=') == std::string::npos) {
            task.task = word;
        } else if (word.find('=') == std::string::npos || word[0] == '=') {
            fail("argument \"" + printable(word, 64) + "\"",
                 "is neither TASK nor a key=value param",
                 "write taskhost run TASK name=value ... (see taskhost run --help)");
        } else {
            task.assignments.push_back(word);
        }
    }
}

}  // namespace

const FlagTable<RunOptions>& run_flags() {
    using Task = CommandLineTask;
    static const FlagTable<RunOptions> table{
        "run",
        "TASK [name=value ...]",
        {
            {"--account", "NAME", kNonEmpty, field_in(&RunOptions::task, &Task::account),
             "the configured account to run as (optional when there is only one)"},
            {"--spec", "FILE|-", kNonEmpty, &RunOptions::spec_source,
             "a JSON spec: {\"task\",\"id\",\"dry_run\",\"account\",\"params\"}; "
             "\"-\" reads stdin.\n"
             "A spec never holds a key or a \"connection\": keys come from accounts."},
            {"--check", "", kSwitch, field_in(&RunOptions::task, &Task::check),
             "dry run: plan and report the exact request, send nothing. Works without\n"
             "a usable key (noted on stderr). A read-only task runs for real (below)."},
            {"--id", "ID", kNonEmpty, field_in(&RunOptions::task, &Task::id),
             "a correlation id echoed in the outcome"},
            {"--detailed-exitcodes", "", kSwitch, &RunOptions::detailed_exitcodes,
             "Puppet-style exit codes, see below"},
            {"--pretty", "", kSwitch, &RunOptions::pretty, "indent the outcome JSON"},
            {"--format", "table|json|salt", kNonEmpty, &RunOptions::format,
             "how the outcome prints. table: a listing's \"items\" as a table, its\n"
             "\"summary\" as name: value lines, then its msg (an outcome without items\n"
             "prints as JSON). json: one line of JSON. salt: the JSON line, then\n"
             "changed=yes|no comment=\"<msg>\" as the last line, which Salt's cmd.run\n"
             "with stateful: True reads. Default: table when stdout is a terminal and\n"
             "the outcome has items, else json."},
            {"--config", "FILE", kNonEmpty, &RunOptions::config, "the config file"},
            {"--socket", "PATH", kNonEmpty, &RunOptions::socket,
             "send the task to the daemon listening on PATH (taskhost serve) instead\n"
             "of running it here; the daemon resolves the account's key. Same output\n"
             "and exit codes."},
        }};
    return table;
}

const FlagTable<PluginsOptions>& plugins_flags() {
    static const FlagTable<PluginsOptions> table{
        "plugins",
        "",
        {
            {"--json", "", kSwitch, &PluginsOptions::json,
             "print {\"plugin_dir\", \"plugins\": [...], \"refusals\": [...]} as JSON"},
            {"--config", "FILE", kNonEmpty, &PluginsOptions::config, "the config file"},
            {"--socket", "PATH", kNonEmpty, &PluginsOptions::socket,
             "ask the daemon listening on PATH what it serves (adds each plugin's\n"
             "generation, last reload error and the last reload)"},
            {"--timeout", "SECONDS", number_of("seconds", 1, kMaxAnswerSeconds),
             &PluginsOptions::timeout_seconds,
             "with --socket: how long to wait for the daemon's answer (default 30)"},
        }};
    return table;
}

const FlagTable<ServeOptions>& serve_flags() {
    static const FlagTable<ServeOptions> table{
        "serve",
        "",
        {
            {"--config", "FILE", kNonEmpty, &ServeOptions::config,
             "the config file; its \"daemon\" section sets socket, group, max_concurrency,\n"
             "max_queue, drain_timeout_ms, keep_finished_tasks, audit_log,\n"
             "watch_plugin_dir, manifests_dir and an opt-in loopback \"tcp\" listener\n"
             "{port, token_file}"},
            {"--socket", "PATH", kNonEmpty, &ServeOptions::socket,
             "listen here instead of daemon.socket"},
            {"--allow-core-dumps", "", kSwitch, &ServeOptions::allow_core_dumps,
             "let the daemon be dumped and traced (by default it is not: its memory holds\n"
             "API keys); for debugging only"},
        }};
    return table;
}

const FlagTable<ReloadOptions>& reload_flags() {
    static const FlagTable<ReloadOptions> table{
        "reload",
        "",
        {
            {"--socket", "PATH", kNonEmpty, &ReloadOptions::socket,
             "the daemon's socket; without it, the config's daemon.socket"},
            {"--json", "", kSwitch, &ReloadOptions::json, "print the daemon's answer as JSON"},
            {"--config", "FILE", kNonEmpty, &ReloadOptions::config,
             "the config file (read only for daemon.socket)"},
            {"--timeout", "SECONDS", number_of("seconds", 1, kMaxAnswerSeconds),
             &ReloadOptions::timeout_seconds,
             "how long to wait for the daemon's answer (default 300: it probes each\n"
             "changed plugin first)"},
        }};
    return table;
}

Result<RunOptions> parse_run_args(const std::vector<std::string>& args) {
    try {
        RunOptions options;
        const std::vector<std::string> operands = run_flags().parse(args, options);
        if (options.help) {
            return options;
        }
        read_task_operands(operands, options.task);
        if (options.format && *options.format != "table" && *options.format != "json" &&
            *options.format != "salt") {
            fail("--format", "\"" + printable(*options.format, 32) + "\" is not a format",
                 "write --format table, --format json or --format salt");
        }
        if (!options.task.task && !options.spec_source) {
            fail("TASK", "is missing",
                 "write taskhost run TASK [name=value ...], or give --spec FILE");
        }
        return options;
    } catch (const HostErrorException& e) {
        return e.error();
    }
}

Result<PluginsOptions> parse_plugins_args(const std::vector<std::string>& args) {
    return parse_flags_only(plugins_flags(), args);
}

Result<ServeOptions> parse_serve_args(const std::vector<std::string>& args) {
    return parse_flags_only(serve_flags(), args);
}

Result<ReloadOptions> parse_reload_args(const std::vector<std::string>& args) {
    return parse_flags_only(reload_flags(), args);
}

bool wants_detailed_exitcodes(const std::vector<std::string>& args) {
    for (const std::string& word : args) {
        if (word == "--") {
            return false;
        }
        if (word == "--detailed-exitcodes") {
            return true;
        }
    }
    return false;
}

}  // namespace taskhost
