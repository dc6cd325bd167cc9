#include "manifest/manifest_task_step.h"

#include "manifest/resend_interval.h"
#include "tasks/outcome.h"
#include "util/bounded_json.h"

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

ManifestTaskResult base_result(const ManifestTask& task, const ResolvedTask& resolved,
                               const JournalVerdict& verdict) {
    ManifestTaskResult result;
    result.manifest = task.file;
    result.index = task.index;
    result.name = task.name;
    result.task = task.task;
    result.account = resolved.request.account->name;
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

JournalEntry identity(const ManifestTask& task, const ResolvedTask& resolved) {
    JournalEntry entry;
    entry.key = resolved.key;
    entry.account = resolved.request.account->name;
    entry.task = task.task;
    entry.canonical_params = resolved.canonical_params;
    entry.manifest = task.file;
    entry.name = task.name;
    return entry;
}

// Apply waits for room here, where no deadline runs, rather than inside the plugin; then the
// intent is durable before the request can leave.
SendGate gate_for_apply(const ManifestTask& task, const ResolvedTask& resolved,
                        const TaskStepContext& context) {
    const std::string account = resolved.request.account->name;
    const std::string bucket = context.buckets->bucket_of(account);
    if (!bucket.empty() && context.pacer->await_room(bucket, [&context] {
            return context.cancel.requested();
        }) != HostPacer::Turn::kGo) {
        return SendGate{SendGate::Verdict::kCancelled, {}};
    }
    if (Check bad = context.journal->record_intent(identity(task, resolved), context.now())) {
        return SendGate{SendGate::Verdict::kRefused, *bad};
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

// The outcome of a send, and its completion in the journal.
ManifestTaskResult record_apply(const ManifestTask& task, const ResolvedTask& resolved,
                                const TaskStepContext& context, ManifestTaskResult result,
                                const InvocationResult& invoked) {
    const std::string status = outcome_status(invoked.outcome);
    const std::string msg = outcome_msg(invoked.outcome);
    result.outcome = invoked.outcome;
    result.failed = outcome_failed(invoked.outcome);
    result.status = status;
    result.msg = msg;
    if (status == "succeeded") {
        result.changed = true;
        if (Check bad = context.journal->record_sent(identity(task, resolved), context.now())) {
            // DigiCert accepted it but the journal does not know: the intent stays, so the
            // next apply reports it in doubt and sends it again.
            result.failed = true;
            result.status = "failed";
            result.msg = msg + "; but recording it failed: " + bad->text();
        }
        return result;
    }
    result.changed = false;
    if (status == "skipped") {
        result.reason = "plugin_skipped";
    }
    if (Check bad =
            context.journal->record_not_sent(identity(task, resolved), status, context.now())) {
        result.failed = true;
        result.msg = msg + "; recording it failed: " + bad->text();
    }
    return result;
}

}  // namespace

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
    Result<std::optional<JournalEntry>> entry = context.journal->read(resolved.key);
    if (!entry.ok()) {
        return host_failure(base_result(task, resolved, JournalVerdict{}), entry.error());
    }
    const WallClock::time_point now = context.now();
    const JournalVerdict verdict =
        judge_by_journal(entry.value(), task.resend_interval, now, context.force);
    ManifestTaskResult result = base_result(task, resolved, verdict);
    if (verdict.action == JournalVerdict::Action::kWithinInterval) {
        result.status = "skipped";
        result.msg = "already sent at " + format_utc(*verdict.last_sent_at) + ", within its " +
                     format_resend_interval(task.resend_interval) + " resend_interval (next due " +
                     format_utc(*verdict.next_due_at) + "); nothing sent";
        return result;
    }

    const std::string account = resolved.request.account->name;
    TaskRunOptions run;
    run.source = context.source;
    run.cancel = context.cancel;
    run.pacer = context.pacer;
    run.keys = context.keys;
    run.on_bucket = [&context, account](const std::string& bucket) {
        context.buckets->learn(account, bucket);
    };
    if (context.apply) {
        run.before_send = [&] { return gate_for_apply(task, resolved, context); };
    }
    const TaskRunResult ran = run_task(resolved.request, run, log);
    if (ran.ended == TaskRunResult::Ended::kRefused) {
        return host_failure(std::move(result), ran.error);
    }
    if (ran.ended == TaskRunResult::Ended::kCancelled) {
        result.status = "cancelled";
        result.failed = true;
        result.reason = "not_run";
        result.msg = "not started: the apply was cancelled; nothing sent";
        return result;
    }
    return context.apply ? record_apply(task, resolved, context, std::move(result), ran.invocation)
                         : planned(std::move(result), ran.invocation);
}

}  // namespace taskhost
