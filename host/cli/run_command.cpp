#include "cli/run_command.h"

#include <Poco/JSON/Stringifier.h>

#include <istream>
#include <ostream>
#include <sstream>

#include "cli/cli_args.h"
#include "cli/cli_help.h"
#include "cli/daemon_clients.h"
#include "config/account_key.h"
#include "config/host_config.h"
#include "plugins/plugin_catalog.h"
#include "tasks/outcome.h"
#include "tasks/task_invocation.h"
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

    void refusals(const PluginCatalog& catalog) {
        for (const PluginRefusal& refusal : catalog.refusals()) {
            err_ << "taskhost: refused " << refusal.reason.text() << std::endl;
        }
    }

    int outcome(const InvocationResult& result, const std::string& secret) {
        print(result.outcome, result.outcome_json, secret);
        return exit_code_for_outcome(result.outcome, detailed_);
    }

  private:
    void print(const Poco::JSON::Object::Ptr& outcome, const std::string& one_line,
               const std::string& secret = std::string()) {
        std::string text = one_line.empty() ? to_json(outcome) : one_line;
        if (pretty_) {
            std::ostringstream indented;
            Poco::JSON::Stringifier::stringify(outcome, indented, 2);
            text = scrub_secret(indented.str(), secret);
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

    Result<HostConfig> config = load_host_config(choose_config_path(options.config));
    if (!config.ok()) {
        return reporter.usage_error(config.error());
    }
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
    PluginLibrary library;
    Result<PluginCatalog> catalog = PluginCatalog::scan(config.value().plugin_dir, library);
    if (!catalog.ok()) {
        return reporter.usage_error(catalog.error());
    }
    reporter.refusals(catalog.value());

    Result<TaskRequest> request =
        make_task_request(options.task, spec, catalog.value(), config.value());
    if (!request.ok()) {
        return reporter.usage_error(request.error());
    }
    reporter.set_task(request.value().task, request.value().id);

    // The key is read now, just before the plugin needs it, and wiped when `key` goes.
    std::optional<ApiKey> key;
    Result<ApiKey> resolved = resolve_account_key(*request.value().account);
    if (resolved.ok()) {
        key.emplace(std::move(resolved.value()));
    } else if (request.value().dry_run) {
        err << "taskhost: note: " << resolved.error().text() << " (planning without a key)"
            << std::endl;
    } else {
        return reporter.usage_error(resolved.error());
    }
    const InvocationResult result = invoke_task(request.value(), key ? &*key : nullptr, err);
    return reporter.outcome(result, key ? key->reveal() : std::string());
}

}  // namespace taskhost
