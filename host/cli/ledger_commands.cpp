#include "cli/ledger_commands.h"

#include <Poco/JSON/Object.h>
#include <Poco/URI.h>

#include "cli/cli_help.h"
#include "cli/command_startup.h"
#include "cli/daemon_client.h"
#include "cli/flag_table.h"
#include "ledger/history_json.h"
#include "ledger/open_ledger.h"
#include "tasks/outcome.h"
#include "util/bounded_json.h"

namespace taskhost {
namespace {

struct HistoryOptions {
    std::optional<std::string> config;
    std::optional<std::string> state_dir;
    std::optional<std::string> socket;
    std::optional<std::string> domain;
    std::optional<std::string> account;
    std::optional<std::string> since;
    size_t limit = 1000;
    size_t timeout_seconds = kAdminAnswerSeconds;  // with socket: for the daemon's answer
    bool json = false;
    bool help = false;
};

struct LedgerOptions {
    std::optional<std::string> config;
    std::optional<std::string> state_dir;
    bool help = false;
};

const FlagTable<HistoryOptions>& history_flags() {
    using O = HistoryOptions;
    static const FlagTable<HistoryOptions> table{
        "history",
        "",
        {
            {"--domain", "D", kNonEmpty, &O::domain,
             "only the sends for this subject: a domain's name or id (what the task's\n"
             "plugin names as its subject)"},
            {"--account", "A", kNonEmpty, &O::account, "only this account's sends"},
            {"--since", "WHEN", kNonEmpty, &O::since,
             "only since then: a duration back from now (7d, 12h) or a UTC time"},
            {"--limit", "N", number_of("rows", 1, kMaxHistoryLimit), &O::limit,
             "at most N rows, newest first (default 1000)"},
            {"--json", "", kSwitch, &O::json, "print {\"history\": [...]} as JSON"},
            {"--config", "FILE", kNonEmpty, &O::config, "the config file (it names the ledger)"},
            {"--state-dir", "DIR", kNonEmpty, &O::state_dir,
             "the state directory of the embedded SQLite ledger (default: the config's)"},
            {"--socket", "PATH", kNonEmpty, &O::socket,
             "ask the daemon listening on PATH (GET /v1/history) instead"},
            {"--timeout", "SECONDS", number_of("seconds", 1, kMaxAnswerSeconds),
             &O::timeout_seconds,
             "with --socket: how long to wait for the daemon's answer (default 30)"},
        }};
    return table;
}

const FlagTable<LedgerOptions>& ledger_flags() {
    using O = LedgerOptions;
    static const FlagTable<LedgerOptions> table{
        "ledger",
        "migrate",
        {
            {"--config", "FILE", kNonEmpty, &O::config, "the config file (it names the ledger)"},
            {"--state-dir", "DIR", kNonEmpty, &O::state_dir,
             "the state directory of the embedded SQLite ledger (default: the config's)"},
        }};
    return table;
}

template <class Options>
Result<std::pair<Options, std::vector<std::string>>> parse(const FlagTable<Options>& table,
                                                           const std::vector<std::string>& args) {
    try {
        Options options;
        std::vector<std::string> operands = table.parse(args, options);
        return std::make_pair(options, operands);
    } catch (const HostErrorException& e) {
        return e.error();
    }
}

int usage(const HostError& error, std::ostream& err) {
    err << "taskhost: " << error.text() << std::endl;
    return kExitUsage;
}

std::string query_of(const HistoryOptions& options) {
    std::string query;
    const auto add = [&query](const char* name, const std::optional<std::string>& value) {
        if (value) {
            std::string encoded;
            Poco::URI::encode(*value, "&=+?#/", encoded);
            query += (query.empty() ? "?" : "&") + std::string(name) + "=" + encoded;
        }
    };
    add("domain", options.domain);
    add("account", options.account);
    add("since", options.since);
    add("limit", std::to_string(options.limit));
    return query;
}

// The ledger the config names (read with the command's --config and --state-dir).
Result<OpenedLedger> ledger_of(const std::optional<std::string>& config,
                               const std::optional<std::string>& state_dir, LedgerAccess access,
                               std::ostream& err) {
    Result<std::unique_ptr<CommandStartup>> started =
        start_command(config, Startup::kConfigOnly, err);
    if (!started.ok()) {
        return started.error();
    }
    return open_ledger(started.value()->config, state_dir.value_or(""), access);
}

int history_from_daemon(const HistoryOptions& options, std::ostream& out, std::ostream& err) {
    Result<DaemonAnswer> answer =
        DaemonClient(*options.socket, std::chrono::seconds(options.timeout_seconds))
            .request("GET", "/v1/history" + query_of(options));
    if (!answer.ok()) {
        return usage(answer.error(), err);
    }
    if (answer.value().http_status != 200) {
        err << "taskhost: the daemon answered " << answer.value().http_status << ": "
            << printable(answer.value().body, 2000) << std::endl;
        return kExitTaskFailed;
    }
    out << answer.value().body << "\n";
    return kExitOk;
}

}  // namespace

const FlagSyntaxTable& history_flag_syntax() {
    return history_flags().syntax();
}

const FlagSyntaxTable& ledger_flag_syntax() {
    return ledger_flags().syntax();
}

std::string history_help() {
    return history_flags().usage() + R"(
Who sent what, and when: every send and every refusal to send that the ledger recorded (from
`taskhost run`, the daemon's tasks, `apply` and the daemon's manifest watch, on every host that
shares the ledger), newest first, with time, status, source, account, subject, task, host, the
caller's uid and pid, and why. Exit code 0, or 2 when the ledger cannot be read.

)" + history_flags().flags_help();
}

std::string ledger_help() {
    return ledger_flags().usage() + R"(
`taskhost ledger migrate` creates the ledger's tables, or upgrades them to this version's
schema, and imports the journal files older versions wrote (STATE_DIR/journal/*.json; kept).
A PostgreSQL ledger must be migrated before taskhost uses it; an embedded SQLite ledger is
created and migrated by the first command that needs it. Safe to run again and from several
hosts at once.

)" + ledger_flags().flags_help();
}

int history_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    auto parsed = parse(history_flags(), args);
    if (!parsed.ok()) {
        return usage(parsed.error(), err);
    }
    const HistoryOptions& options = parsed.value().first;
    if (options.help) {
        out << history_help();
        return kExitOk;
    }
    if (!parsed.value().second.empty()) {
        return usage(HostError{"argument \"" + printable(parsed.value().second[0], 64) + "\"",
                               "is not expected", "taskhost history takes only flags"},
                     err);
    }
    if (options.socket) {
        return history_from_daemon(options, out, err);
    }
    HistoryQuery query;
    query.subject = options.domain;
    query.account = options.account;
    query.limit = options.limit;
    if (options.since) {
        Result<WallClock::time_point> since =
            parse_since(*options.since, "--since", WallClock::now());
        if (!since.ok()) {
            return usage(since.error(), err);
        }
        query.since = since.value();
    }
    Result<OpenedLedger> ledger =
        ledger_of(options.config, options.state_dir, LedgerAccess::kReadOnly, err);
    if (!ledger.ok()) {
        return usage(ledger.error(), err);
    }
    Result<std::vector<HistoryRecord>> records = ledger.value().ledger->history(query);
    if (!records.ok()) {
        return usage(records.error(), err);
    }
    if (options.json) {
        Poco::JSON::Object::Ptr json = new Poco::JSON::Object;
        json->set("history", history_json(records.value()));
        out << to_json(json) << "\n";
    } else {
        print_history_table(records.value(), out);
    }
    return kExitOk;
}

int ledger_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    auto parsed = parse(ledger_flags(), args);
    if (!parsed.ok()) {
        return usage(parsed.error(), err);
    }
    const LedgerOptions& options = parsed.value().first;
    const std::vector<std::string>& operands = parsed.value().second;
    if (options.help) {
        out << ledger_help();
        return kExitOk;
    }
    if (operands.size() != 1 || operands[0] != "migrate") {
        return usage(HostError{"taskhost ledger", "needs exactly one action",
                               "write `taskhost ledger migrate` (see taskhost ledger --help)"},
                     err);
    }
    Result<OpenedLedger> ledger =
        ledger_of(options.config, options.state_dir, LedgerAccess::kMigrate, err);
    if (!ledger.ok()) {
        return usage(ledger.error(), err);
    }
    out << "taskhost: ledger " << ledger.value().report << "\n";
    return kExitOk;
}

}  // namespace taskhost
