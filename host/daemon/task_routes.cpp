#include "daemon/task_routes.h"

#include "ledger/process_identity.h"

#include "daemon/api_response.h"
#include "daemon/task_execution.h"
#include "tasks/task_submission.h"
#include "util/bounded_json.h"

namespace taskhost {
namespace {

using Clock = std::chrono::steady_clock;

int64_t elapsed_ms(Clock::time_point since) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count();
}

AuditEntry audit_entry(const ApiCaller& caller, const std::string& job, bool async) {
    AuditEntry entry;
    entry.peer = caller.peer;
    entry.peer_address = caller.address;
    entry.job = job;
    entry.async = async;
    return entry;
}

// Runs on a worker: the newest catalog at the moment the task starts, so a task queued across
// a reload runs in the generation that is newest when it begins.
void run_job(DaemonContext& context, const TaskSubmission& submission,
             const std::shared_ptr<TaskJob>& job, const ApiCaller& caller,
             Clock::time_point since) {
    job->mark_running();
    TaskFacts facts;
    TaskAnswer answer;
    {
        TaskLogStream log(context.log, job->id());
        try {
            const std::shared_ptr<const PluginCatalog> catalog = context.registry.catalog();
            const SubmissionContext run{context.config, context.pacer, context.ledger,
                                        ledger_caller(caller), context.metrics.answer_sink()};
            answer = execute_submission(submission, *catalog, run, log, job->cancel_flag(), facts);
        } catch (const std::exception& e) {
            // A bug of ours, never a plugin's (invoke_task turns those into outcomes).
            context.log.line("internal error running job " + job->id() + ": " + e.what(),
                             LogLevel::kError, job->id());
            ApiError error{
                500,   "internal", "the daemon failed to run the task", "see the daemon's log",
                false, {}};
            answer = TaskAnswer{500, error_body(error), "internal"};
        }
    }
    AuditEntry entry = audit_entry(caller, job->id(), job->async());
    entry.facts = facts;
    entry.status = answer.status;
    entry.http_status = answer.http_status;
    entry.duration_ms = elapsed_ms(since);
    // Audited before the caller hears the answer, so audit lines come in answer order.
    context.audit.record(entry);
    context.metrics.task_recorded(entry);
    job->finish(std::move(answer));
    context.board.close(job);
}

Result<bool> wait_parameter(const std::map<std::string, std::string>& query) {
    bool wait = true;
    for (const auto& entry : query) {
        if (entry.first != "wait") {
            return HostError{"query parameter " + printable(entry.first, 64), "is not known here",
                             "the only one is wait=true|false"};
        }
        if (entry.second != "true" && entry.second != "false") {
            return HostError{"query parameter wait",
                             "\"" + printable(entry.second, 32) + "\" is neither true nor false",
                             "write ?wait=false to get a task id at once, or leave it out"};
        }
        wait = entry.second == "true";
    }
    return wait;
}

void reject(DaemonContext& context, HttpAnswer& response, AuditEntry entry,
            const TaskAnswer& answer, Clock::time_point since,
            const std::map<std::string, std::string>& headers = {}) {
    entry.status = answer.status;
    entry.http_status = answer.http_status;
    entry.duration_ms = elapsed_ms(since);
    send_json(response, answer.http_status, answer.body, headers);
    context.audit.record(entry);
    context.metrics.task_recorded(entry);
}

// The task spec a POST carries, once the daemon takes tasks and the body and the query are
// valid; sets `entry.async`. nullopt: refused, answered and audited.
std::optional<TaskSubmission> admit_submission(DaemonContext& context, const HttpRequest& request,
                                               HttpAnswer& response,
                                               const std::map<std::string, std::string>& query,
                                               AuditEntry& entry, Clock::time_point since) {
    if (context.draining.load()) {
        ApiError error{503,
                       "shutting_down",
                       "the daemon is shutting down and takes no new tasks",
                       "send the task again once taskhost serve is back",
                       true,
                       {{"Retry-After", "5"}}};
        reject(context, response, entry, TaskAnswer{503, error_body(error), "shutting_down"}, since,
               error.headers);
        return std::nullopt;
    }
    if (request.body_too_large) {
        response.close = true;  // the rest of the body is never read
        ApiError error{
            413,   "too_large", "the request body is larger than 1 MiB", "send a smaller task spec",
            false, {}};
        reject(context, response, entry, TaskAnswer{413, error_body(error), "rejected"}, since);
        return std::nullopt;
    }
    Result<bool> wait = wait_parameter(query);
    if (!wait.ok()) {
        reject(context, response, entry, invalid_task_answer("", "", wait.error()), since);
        return std::nullopt;
    }
    entry.async = !wait.value();
    Result<TaskSubmission> parsed = parse_task_submission(request.body);
    if (!parsed.ok()) {
        reject(context, response, entry, invalid_task_answer("", "", parsed.error()), since);
        return std::nullopt;
    }
    return std::move(parsed.value());
}

// Queues `job` to run `submission` on a worker. false: the queue is full, and the job dropped,
// answered 503 and audited.
bool enqueue_job(DaemonContext& context, HttpAnswer& response, const TaskSubmission& submission,
                 const std::shared_ptr<TaskJob>& job, const ApiCaller& caller,
                 const AuditEntry& entry, Clock::time_point since) {
    DaemonContext* shared = &context;
    const bool queued = context.queue.try_submit([shared, submission, job, caller, since] {
        run_job(*shared, submission, job, caller, since);
    });
    if (queued) {
        return true;
    }
    context.board.drop(job);
    ApiError error{503,
                   "busy",
                   "the daemon is running " +
                       std::to_string(context.config.daemon.max_concurrency) + " tasks and " +
                       std::to_string(context.config.daemon.max_queue) + " more are waiting",
                   "retry after the time in Retry-After",
                   true,
                   {{"Retry-After", "1"}}};
    reject(context, response, entry, TaskAnswer{503, error_body(error), "busy"}, since,
           error.headers);
    return false;
}

}  // namespace

Caller ledger_caller(const ApiCaller& caller) {
    Caller who = this_process_caller(TaskSource::kApi, "");
    if (caller.peer) {
        who.uid = static_cast<int64_t>(caller.peer->uid);
        who.pid = static_cast<int64_t>(caller.peer->pid);
    }
    return who;
}

void post_task(DaemonContext& context, const HttpRequest& request, HttpAnswer& response,
               const std::map<std::string, std::string>& query, const ApiCaller& caller) {
    const Clock::time_point since = Clock::now();
    AuditEntry entry = audit_entry(caller, "", false);
    std::optional<TaskSubmission> admitted =
        admit_submission(context, request, response, query, entry, since);
    if (!admitted) {
        return;
    }
    TaskSubmission submission = std::move(*admitted);
    entry.facts.task = submission.task_hint;
    entry.facts.id = submission.id_hint;

    std::shared_ptr<TaskJob> job = context.board.open(entry.async);
    entry.job = job->id();
    const std::string given_id = submission.id_hint;  // what a refusal names, as in-process
    if (submission.id_hint.empty()) {
        // The job id doubles as the task's correlation id: unique, and what GET /v1/tasks takes.
        submission.command_line.id = job->id();
        submission.id_hint = job->id();
        entry.facts.id = job->id();
    }
    if (Check bad = check_submission(submission, *context.registry.catalog(), context.config)) {
        context.board.drop(job);
        entry.facts.error_kind = "invalid_input";
        reject(context, response, entry, invalid_task_answer(submission.task_hint, given_id, *bad),
               since);
        return;
    }
    if (!enqueue_job(context, response, submission, job, caller, entry, since)) {
        return;
    }
    if (entry.async) {
        send_json(response, 202,
                  "{\"id\":\"" + job->id() + "\",\"status\":\"queued\",\"href\":\"/v1/tasks/" +
                      job->id() + "\"}",
                  {{"Location", "/v1/tasks/" + job->id()}});
        return;
    }
    const TaskAnswer answer = job->wait();
    send_json(response, answer.http_status, answer.body);
}

void get_task(DaemonContext& context, const std::string& id, HttpAnswer& response) {
    const std::shared_ptr<TaskJob> job = context.board.find(id);
    if (job == nullptr || !job->async()) {
        send_error(response,
                   ApiError{404,
                            "not_found",
                            "no task with id \"" + printable(id, 64) + "\"",
                            "use the id a POST /v1/tasks?wait=false answered; the newest " +
                                std::to_string(context.config.daemon.keep_finished_tasks) +
                                " finished tasks are kept",
                            false,
                            {}});
        return;
    }
    const std::optional<TaskAnswer> answer = job->answer();
    std::string body = "{\"id\":\"" + job->id() + "\",\"status\":\"";
    if (!answer) {
        body += job->state() == TaskJob::State::kRunning ? "running\"}" : "queued\"}";
    } else {
        body += "done\",\"http_status\":" + std::to_string(answer->http_status) +
                ",\"outcome\":" + answer->body + "}";
    }
    send_json(response, 200, body);
}

void cancel_task(DaemonContext& context, const std::string& id, const ApiCaller& caller,
                 HttpAnswer& response) {
    const std::shared_ptr<TaskJob> job = context.board.find(id);
    if (job == nullptr) {
        send_error(response, ApiError{404,
                                      "not_found",
                                      "no task with id \"" + printable(id, 64) + "\"",
                                      "use the id its POST /v1/tasks answered (\"id\")",
                                      false,
                                      {}});
        return;
    }
    if (job->state() == TaskJob::State::kDone) {
        send_error(response, ApiError{409,
                                      "invalid_input",
                                      "task \"" + job->id() + "\" has already finished",
                                      "GET /v1/tasks/" + job->id() + " answers its outcome",
                                      false,
                                      {}});
        return;
    }
    job->cancel();
    context.log.line("task " + job->id() + " cancelled through the API by " +
                         (caller.peer ? "uid " + std::to_string(caller.peer->uid)
                                      : "a TCP caller at " + caller.address),
                     LogLevel::kInfo, job->id());
    send_json(response, 202, "{\"id\":\"" + job->id() + "\",\"status\":\"cancelling\"}");
}

}  // namespace taskhost
