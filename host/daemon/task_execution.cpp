#include "daemon/task_execution.h"

#include <ostream>

#include "config/account_key.h"
#include "tasks/outcome.h"
#include "tasks/task_invocation.h"
#include "tasks/task_request.h"
#include "tasks/task_windows.h"
#include "util/bounded_json.h"

namespace taskhost {
namespace {

constexpr int kHttpOk = 200;
constexpr int kHttpBadRequest = 400;
constexpr int kHttpTaskFailed = 422;

TaskAnswer outcome_answer(const Poco::JSON::Object::Ptr& outcome, const std::string& json) {
    TaskAnswer answer;
    answer.http_status = outcome_failed(outcome) ? kHttpTaskFailed : kHttpOk;
    answer.body = json;
    const Poco::Dynamic::Var status = outcome->get("status");
    answer.status = status.isString() ? status.extract<std::string>()
                                      : (outcome_failed(outcome) ? "failed" : "succeeded");
    return answer;
}

std::string error_kind_of(const Poco::JSON::Object::Ptr& outcome) {
    const Poco::Dynamic::Var error = outcome->get("error");
    if (!is_json_object(error)) {
        return "";
    }
    const Poco::Dynamic::Var kind = error.extract<Poco::JSON::Object::Ptr>()->get("kind");
    return kind.isString() ? kind.extract<std::string>() : "";
}

}  // namespace

TaskAnswer invalid_task_answer(const std::string& task, const std::string& id,
                               const HostError& error) {
    TaskAnswer answer;
    answer.http_status = kHttpBadRequest;
    answer.body = to_json(make_invalid_input_outcome(task, id, error));
    answer.status = "rejected";
    return answer;
}

Check check_submission(const TaskSubmission& submission, const PluginCatalog& catalog,
                       const HostConfig& config) {
    Result<TaskRequest> request =
        make_task_request(submission.command_line, submission.spec, catalog, config);
    if (!request.ok()) {
        return request.error();
    }
    return std::nullopt;
}

TaskAnswer execute_submission(const TaskSubmission& submission, const PluginCatalog& catalog,
                              const HostConfig& config, HostPacer& pacer, std::ostream& log,
                              const std::atomic<bool>& cancel, TaskFacts& facts) {
    facts.task = submission.task_hint;
    facts.id = submission.id_hint;
    Result<TaskRequest> built =
        make_task_request(submission.command_line, submission.spec, catalog, config);
    if (!built.ok()) {
        facts.error_kind = "invalid_input";
        return invalid_task_answer(facts.task, facts.id, built.error());
    }
    const TaskRequest& request = built.value();
    facts.task = request.task;
    facts.id = request.id;
    facts.plugin = request.offer.plugin->name();
    facts.plugin_version = request.offer.plugin->description().version;
    facts.generation = request.offer.plugin->generation();

    if (cancel.load()) {
        Poco::JSON::Object::Ptr outcome =
            make_failure_outcome(request.task, request.id, "cancelled",
                                 "cancelled before it started: the daemon is shutting down");
        outcome->set("status", "cancelled");
        facts.error_kind = "cancelled";
        return outcome_answer(outcome, to_json(outcome));
    }

    std::optional<ApiKey> key;
    Result<ApiKey> resolved = resolve_account_key(*request.account);
    if (resolved.ok()) {
        key.emplace(std::move(resolved.value()));
    } else if (request.dry_run) {
        log << "taskhost: note: " << resolved.error().text() << " (planning without a key)"
            << std::endl;
    } else {
        facts.error_kind = "invalid_input";
        return invalid_task_answer(request.task, request.id, resolved.error());
    }
    TaskPacing pacing;
    pacing.pacer = &pacer;
    pacing.windows = rate_windows_for(*request.offer.task, *request.account);
    const InvocationResult result =
        invoke_task(request, key ? &*key : nullptr, log, &cancel, &pacing);
    facts.error_kind = error_kind_of(result.outcome);
    return outcome_answer(result.outcome, result.outcome_json);
}

}  // namespace taskhost
