#include "daemon/task_execution.h"

#include <ostream>

#include "tasks/outcome.h"
#include "tasks/task_record.h"
#include "tasks/task_request.h"
#include "tasks/task_runner.h"
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

// The ledger could not be reached or written: nothing was sent; the caller may retry.
TaskAnswer ledger_unavailable_answer(const TaskRequest& request, const HostError& error,
                                     TaskFacts& facts) {
    Poco::JSON::Object::Ptr details = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    details->set("fix", error.fix);
    Poco::JSON::Object::Ptr outcome =
        make_failure_outcome(request.task, request.id, "ledger_unavailable", error.text(), details);
    outcome->getObject("error")->set("retryable", true);
    facts.error_kind = "ledger_unavailable";
    TaskAnswer answer;
    answer.http_status = 503;
    answer.body = to_json(outcome);
    answer.status = "failed";
    return answer;
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
                              const SubmissionContext& context, std::ostream& log,
                              const CancelToken& cancel, TaskFacts& facts) {
    const HostConfig& config = context.config;
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

    TaskRunOptions run;
    run.source = TaskSource::kApi;
    run.cancel = cancel;
    run.pacer = &context.pacer;
    run.on_answer = context.on_answer;
    run.ledger = &context.ledger;
    run.caller = context.caller;
    run.caller->task_id = request.id;
    const TaskRunResult result = run_task(request, run, log);
    if (result.ended == TaskRunResult::Ended::kRefused) {
        facts.error_kind = "invalid_input";
        if (result.ledger_unavailable) {
            return ledger_unavailable_answer(request, result.error, facts);
        }
        return invalid_task_answer(request.task, request.id, result.error);
    }
    facts.account = request.account->name;
    facts.subject = subject_of(request, result.invocation.outcome);
    facts.error_kind = error_kind_of(result.invocation.outcome);
    return outcome_answer(result.invocation.outcome, result.invocation.outcome_json);
}

}  // namespace taskhost
