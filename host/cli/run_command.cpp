#include "cli/run_command.h"

#include <Poco/JSON/Stringifier.h>
#include <unistd.h>

#include <future>
#include <iostream>
#include <istream>
#include <ostream>
#include <sstream>

#include "cli/cli_args.h"
#include "cli/cli_help.h"
#include "cli/command_startup.h"
#include "cli/daemon_clients.h"
#include "cli/listing_table.h"
#include "cli/salt_state_line.h"
#include "ledger/open_ledger.h"
#include "tasks/outcome.h"
#include "tasks/task_runner.h"
#include "tasks/user_spec.h"
#include "util/bounded_json.h"

namespace taskhost {
namespace {

// Where a usage or config error goes: a human line on stderr, and an invalid_input outcome on
// stdout, so an agent that only parses stdout still gets one JSON answer.
class RunReporter {
  public:
    RunReporter(std::ostream& out, std::ostream& err, bool detailed, bool pretty)
        : out_(out), err_(err), detailed_(detailed), pretty_(pretty) {}

    void set_task(const std::string& task, const std::string& id) {
        task_ = task;
        id_ = id;
    }

    int usage_error(const HostError& error) {
        err_ << "taskhost: " << error.text() << std::endl;
        print(make_invalid_input_outcome(task_, id_, error), "");
        return exit_code_for_usage_error(detailed_);
    }

    // A listing prints as a table when `as_table` (columns as its task describes them); with
    // `salt`, Salt's state line follows the JSON.
    int outcome(const TaskRunResult& result, const TaskDescription& task, bool as_table,
                bool salt) {
        out_ << outcome_text(result.invocation.outcome,
                             pretty_ ? result.outcome_pretty : result.invocation.outcome_json,
                             task.item_columns, as_table)
             << std::endl;
        if (salt) {
            out_ << salt_state_line(result.invocation.outcome) << std::endl;
        }
        return exit_code_for_outcome(result.invocation.outcome, detailed_);
    }

  private:
    void print(const Poco::JSON::Object::Ptr& outcome, const std::string& one_line) {
        std::string text = one_line.empty() ? to_json(outcome) : one_line;
        if (pretty_) {
            std::ostringstream indented;
            Poco::JSON::Stringifier::stringify(outcome, indented, 2);
            text = indented.str();
        }
        out_ << text << std::endl;
    }

    std::ostream& out_;
    std::ostream& err_;
    bool detailed_;
    bool pretty_;
    std::string task_;
    std::string id_;
};

}  // namespace

bool run_output_is_table(const RunOptions& options, const std::ostream& out) {
    if (options.format) {
        return *options.format == "table";
    }
    return &out == &std::cout && ::isatty(STDOUT_FILENO) == 1;
}

int run_command(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
                std::ostream& err) {
    Result<RunOptions> parsed = parse_run_args(args);
    if (!parsed.ok()) {
        RunReporter reporter(out, err, wants_detailed_exitcodes(args), false);
        return reporter.usage_error(parsed.error());
    }
    const RunOptions& options = parsed.value();
    if (options.help) {
        out << run_help();
        return kExitOk;
    }
    if (options.socket) {
        return run_through_daemon(options, in, out, err);
    }
    RunReporter reporter(out, err, options.detailed_exitcodes, options.pretty);
    reporter.set_task(options.task.task.value_or(""), options.task.id.value_or(""));

    std::optional<UserSpec> spec;
    if (options.spec_source) {
        Result<std::string> text = read_user_spec_text(*options.spec_source, in);
        if (!text.ok()) {
            return reporter.usage_error(text.error());
        }
        Result<UserSpec> user_spec = parse_user_spec(
            text.value(), *options.spec_source == "-" ? "stdin" : *options.spec_source);
        if (!user_spec.ok()) {
            return reporter.usage_error(user_spec.error());
        }
        spec = std::move(user_spec.value());
    }
    // A dry run only reads the ledger; a real one records its intent, completion and history,
    // and takes its pacing turns from the ledger's shared budget. An existing ledger opens on a
    // second thread while the plugins load (each a few milliseconds of a cold run); one that does
    // not exist yet is created only once the request is known to be good.
    const LedgerAccess access =
        wants_dry_run(options.task, spec) ? LedgerAccess::kReadOnly : LedgerAccess::kReadWrite;
    std::future<Result<OpenedLedger>> early_ledger;
    const auto open_early = [&](const HostConfig& config) {
        if (ledger_exists(config, "")) {  // its own copy: the config may go first, on an error
            early_ledger = std::async(std::launch::async,
                                      [config, access] { return open_ledger(config, "", access); });
        }
    };
    Result<std::unique_ptr<CommandStartup>> started =
        start_command(options.config, Startup::kPlugins, err, open_early);
    if (!started.ok()) {
        return reporter.usage_error(started.error());
    }
    const CommandStartup& startup = *started.value();
    Result<TaskRequest> request =
        make_task_request(options.task, spec, startup.catalog, startup.config);
    if (!request.ok()) {
        return reporter.usage_error(request.error());
    }
    reporter.set_task(request.value().task, request.value().id);

    Result<OpenedLedger> ledger =
        early_ledger.valid() ? early_ledger.get() : open_ledger(startup.config, "", access);
    if (!ledger.ok()) {
        return reporter.usage_error(ledger.error());
    }
    HostPacer pacer;
    pacer.share_with(ledger.value().ledger->budget());
    TaskRunOptions run;
    run.source = TaskSource::kRun;
    run.cancel = CancelToken::with_signals();
    run.pretty = options.pretty;
    run.ledger = ledger.value().ledger.get();
    run.pacer = &pacer;
    const TaskRunResult result = run_task(request.value(), run, err);
    if (result.ended == TaskRunResult::Ended::kRefused) {
        return reporter.usage_error(result.error);
    }
    return reporter.outcome(result, *request.value().offer.task, run_output_is_table(options, out),
                            options.format == std::string("salt"));
}

}  // namespace taskhost
