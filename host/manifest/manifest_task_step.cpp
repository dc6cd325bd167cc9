#include "manifest/manifest_task_step.h"

#include "tasks/outcome.h"
#include "tasks/task_record.h"
#include "util/bounded_json.h"
#include "util/resend_interval.h"

namespace taskhost {
namespace {

using Poco::JSON::Object;

std::string outcome_status(const Object::Ptr& outcome) {
    const Poco::Dynamic::Var status = outcome->get("status");
    return status.isString() ? status.extract<std::string>() : "failed";
}

std::string outcome_msg(const Object::Ptr& outcome) {
    const Poco::Dynamic::Var msg = outcome->get("msg");
    return msg.isString() ? msg.extract<std::string>() : "";
}

ManifestTaskResult base_result(const ManifestTask& task, const ResolvedTask& resolved) {
    ManifestTaskResult result;
    result.manifest = task.file;
    result.index = task.index;
    result.name = task.name;
    result.task = task.task;
    result.account = resolved.request.account->name;
    return result;
}

ManifestTaskResult with_verdict(ManifestTaskResult result, const LedgerVerdict& verdict) {
    result.verdict = verdict;
    result.reason = verdict.reason;
    result.in_doubt = verdict.in_doubt;
    return result;
}

ManifestTaskResult host_failure(ManifestTaskResult result, const HostError& error) {
    result.status = "failed";
    result.failed = true;
    result.changed = false;
    result.msg = error.text();
    result.error = make_invalid_input_outcome(result.task, result.name, error)->getObject("error");
    return result;
}

// Apply waits for room here, where no deadline runs, rather than inside the plugin.
SendGate gate_for_apply(const ResolvedTask& resolved, const TaskStepContext& context) {
    const std::string bucket = context.buckets->bucket_of(resolved.request.account->name);
    if (!bucket.empty() && context.pacer->await_room(bucket, [&context] {
            return stops_starting(context);
        }) != HostPacer::Turn::kGo) {
        return SendGate{SendGate::Verdict::kCancelled, {}};
    }
    return SendGate{};
}

// The outcome as a plan reports it: what apply would send, or why not.
ManifestTaskResult planned(ManifestTaskResult result, const InvocationResult& invoked) {
    const std::string status = outcome_status(invoked.outcome);
    const std::string msg = outcome_msg(invoked.outcome);
    result.outcome = invoked.outcome;
    result.failed = outcome_failed(invoked.outcome);
    result.status = status;
    result.changed = status == "planned";
    result.msg = status == "planned" ? "would send: " + msg : msg;
    if (status == "skipped") {
        result.reason = "plugin_skipped";
    }
    return result;
}

// The outcome of a send (its completion is in the ledger already). A read-only task (a listing
// written as a task of its own) changes nothing, whatever it read.
ManifestTaskResult applied(ManifestTaskResult result, const TaskRunResult& ran, bool read_only) {
    const InvocationResult& invoked = ran.invocation;
    const std::string status = outcome_status(invoked.outcome);
    result.outcome = invoked.outcome;
    result.failed = outcome_failed(invoked.outcome);
    result.status = status;
    result.msg = outcome_msg(invoked.outcome);
    result.changed = status == "succeeded" && !result.failed && !read_only;
    // This send may have arrived (written in full, no answer): the line says so, as the
    // journal does for the next run.
    const Poco::Dynamic::Var in_doubt = invoked.outcome->get("in_doubt");
    result.in_doubt = result.in_doubt || (in_doubt.isBoolean() && in_doubt.extract<bool>());
    if (status == "skipped") {
        result.reason = "plugin_skipped";
    }
    return result;
}

// The ledger said not to send: within the interval, or another caller is sending it now.
ManifestTaskResult not_sent(ManifestTaskResult result, const TaskRunResult& ran) {
    result.status = "skipped";
    result.changed = false;
    result.failed = false;
    result.msg = outcome_msg(ran.invocation.outcome);
    return result;
}

}  // namespace

bool stops_starting(const TaskStepContext& context) {
    return context.cancel.requested() || context.stop_starting.requested();
}

std::string not_started_msg(const TaskStepContext& context) {
    const bool stopped = !context.cancel.requested() && context.stop_starting.requested() &&
                         !context.stop_reason.empty();
    const std::string why =
        stopped ? context.stop_reason
                : std::string("the ") + (context.apply ? "apply" : "plan") + " was cancelled";
    return "not started: " + why + "; nothing sent";
}

void AccountBuckets::learn(const std::string& account, const std::string& bucket) {
    std::lock_guard<std::mutex> lock(mutex_);
    buckets_[account] = bucket;
}

std::string AccountBuckets::bucket_of(const std::string& account) const {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto found = buckets_.find(account);
    return found == buckets_.end() ? std::string() : found->second;
}

ManifestTaskResult run_manifest_task(const ManifestTask& task, const ResolvedTask& resolved,
                                     const TaskStepContext& context, std::ostream& log) {
    const std::string account = resolved.request.account->name;
    TaskRunOptions run;
    run.outcome_json = false;  // the manifest's result carries the outcome object
    run.source = context.source;
    run.cancel = context.cancel;
    run.pacer = context.pacer;
    run.on_answer = context.on_answer;
    run.keys = context.keys;
    run.ledger = context.ledger;
    run.resend.interval = task.resend_interval;
    run.resend.force = context.force;
    run.manifest = task.file;
    run.name = task.name;
    run.canonical_params = &resolved.canonical_params;
    run.journal_key = &resolved.key;
    run.on_bucket = [&context, account](const std::string& bucket) {
        context.buckets->learn(account, bucket);
    };
    if (context.apply) {
        run.before_send = [&] { return gate_for_apply(resolved, context); };
    }
    if (context.caller) {
        run.caller = *context.caller;
        run.caller->source = context.source;
        run.caller->task_id = resolved.request.id;
    }
    const TaskRunResult ran = run_task(resolved.request, run, log);
    ManifestTaskResult result = with_verdict(base_result(task, resolved), ran.verdict);
    result.subject = subject_of(resolved.request, ran.invocation.outcome);
    switch (ran.ended) {
        case TaskRunResult::Ended::kRefused:
            return host_failure(std::move(result), ran.error);
        case TaskRunResult::Ended::kCancelled:
            result.status = "cancelled";
            result.failed = true;
            result.reason = "not_run";
            result.msg = not_started_msg(context);
            return result;
        case TaskRunResult::Ended::kNotSent:
            return not_sent(std::move(result), ran);
        case TaskRunResult::Ended::kRan:
            break;
    }
    return context.apply ? applied(std::move(result), ran, resolved.request.offer.task->read_only)
                         : planned(std::move(result), ran.invocation);
}

}  // namespace taskhost
