#include "manifest/manifest_task_step.h"

#include "manifest/resend_interval.h"
#include "tasks/outcome.h"
#include "tasks/task_invocation.h"
#include "util/bounded_json.h"
#include "util/cancellation.h"

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

bool cancelled(const TaskStepContext& context) {
    return cancellation_requested() || (context.cancel != nullptr && context.cancel->load());
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

}  // namespace

const ApiKey* AccountKeys::get(const AccountConfig& account, HostError& error) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (const auto found = keys_.find(account.name); found != keys_.end()) {
        return found->second.get();
    }
    if (const auto found = errors_.find(account.name); found != errors_.end()) {
        error = found->second;
        return nullptr;
    }
    Result<ApiKey> key = resolve_account_key(account);
    if (!key.ok()) {
        errors_.emplace(account.name, key.error());
        error = key.error();
        return nullptr;
    }
    return keys_.emplace(account.name, std::make_unique<ApiKey>(std::move(key.value())))
        .first->second.get();
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

    const AccountConfig& account = *resolved.request.account;
    HostError key_error;
    const ApiKey* key = context.keys->get(account, key_error);
    if (key == nullptr && context.apply) {
        return host_failure(std::move(result), key_error);
    }
    if (key == nullptr) {
        log << "taskhost: note: " << key_error.text() << " (planning without a key)" << std::endl;
    }

    TaskPacing pacing;
    pacing.pacer = context.pacer;
    pacing.windows = resolved.windows;
    pacing.on_bucket = [&context, &account](const std::string& bucket) {
        context.buckets->learn(account.name, bucket);
    };
    if (context.apply) {
        // Wait for room here, where no deadline runs, rather than inside the plugin.
        const std::string bucket = context.buckets->bucket_of(account.name);
        if (!bucket.empty() && context.pacer->await_room(bucket, [&context] {
                return cancelled(context);
            }) != HostPacer::Turn::kGo) {
            result.status = "cancelled";
            result.failed = true;
            result.reason = "not_run";
            result.msg = "not started: the apply was cancelled; nothing sent";
            return result;
        }
        if (Check bad = context.journal->record_intent(identity(task, resolved), context.now())) {
            return host_failure(std::move(result), *bad);
        }
    }

    const InvocationResult invoked =
        invoke_task(resolved.request, key, log, context.cancel, &pacing);
    result.outcome = invoked.outcome;
    const std::string status = outcome_status(invoked.outcome);
    const std::string msg = outcome_msg(invoked.outcome);
    result.failed = outcome_failed(invoked.outcome);
    result.status = status;
    if (!context.apply) {
        result.changed = status == "planned";
        result.msg = status == "planned" ? "would send: " + msg : msg;
        if (status == "skipped") {
            result.reason = "plugin_skipped";
        }
        return result;
    }

    if (status == "succeeded") {
        result.changed = true;
        result.msg = msg;
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
    result.msg = msg;
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

}  // namespace taskhost
