#include "tasks/task_runner.h"

#include <Poco/JSON/Stringifier.h>

#include <optional>
#include <ostream>
#include <sstream>

#include "tasks/outcome.h"
#include "tasks/task_windows.h"
#include "util/bounded_json.h"

namespace taskhost {
namespace {

TaskRunResult refused(const HostError& error) {
    TaskRunResult result;
    result.ended = TaskRunResult::Ended::kRefused;
    result.error = error;
    return result;
}

TaskRunResult cancelled_before_start(const TaskRequest& request, const std::string& why) {
    TaskRunResult result;
    result.ended = TaskRunResult::Ended::kCancelled;
    result.invocation.outcome = make_failure_outcome(request.task, request.id, "cancelled",
                                                     "cancelled before it started: " + why);
    result.invocation.outcome->set("status", "cancelled");
    result.invocation.outcome_json = to_json(result.invocation.outcome);
    result.invocation.plugin_return = 1;
    return result;
}

// The key for this task: from the run's cache, or read now. Null with `error` set when it
// cannot be read.
const ApiKey* key_for(const TaskRequest& request, const TaskRunOptions& options,
                      std::optional<ApiKey>& own, HostError& error) {
    if (options.keys != nullptr) {
        return options.keys->get(*request.account, error);
    }
    Result<ApiKey> resolved = resolve_account_key(*request.account);
    if (!resolved.ok()) {
        error = resolved.error();
        return nullptr;
    }
    own.emplace(std::move(resolved.value()));
    return &*own;
}

constexpr const char* kStopping = "its caller is stopping; nothing sent";

TaskRunResult rendered(TaskRunResult result, const TaskRunOptions& options, const ApiKey* key) {
    if (options.pretty) {
        std::ostringstream text;
        Poco::JSON::Stringifier::stringify(result.invocation.outcome, text, 2);
        result.outcome_pretty =
            scrub_secret(text.str(), key != nullptr ? key->reveal() : std::string());
    }
    return result;
}

}  // namespace

const char* task_source_name(TaskSource source) {
    switch (source) {
        case TaskSource::kRun:
            return "run";
        case TaskSource::kApi:
            return "api";
        case TaskSource::kPlan:
            return "plan";
        case TaskSource::kApply:
            return "apply";
        case TaskSource::kWatch:
            return "watch";
    }
    return "run";
}

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

TaskRunResult run_task(const TaskRequest& request, const TaskRunOptions& options,
                       std::ostream& log) {
    if (options.cancel.requested()) {
        return rendered(cancelled_before_start(request, kStopping), options, nullptr);
    }
    std::optional<ApiKey> own_key;  // wiped when the run ends
    HostError key_error;
    const ApiKey* key = key_for(request, options, own_key, key_error);
    if (key == nullptr && !request.dry_run) {
        return refused(key_error);
    }
    if (key == nullptr) {
        log << "taskhost: note: " << key_error.text() << " (planning without a key)" << std::endl;
    }
    if (options.before_send) {
        const SendGate gate = options.before_send();
        if (gate.verdict == SendGate::Verdict::kRefused) {
            return refused(gate.error);
        }
        if (gate.verdict == SendGate::Verdict::kCancelled) {
            return rendered(cancelled_before_start(request, kStopping), options, key);
        }
    }
    TaskPacing pacing;
    pacing.pacer = options.pacer;
    if (options.pacer != nullptr) {
        pacing.windows = rate_windows_for(*request.offer.task, *request.account);
        pacing.on_bucket = options.on_bucket;
    }
    TaskRunResult result;
    result.invocation = invoke_task(request, key, log, options.cancel, &pacing);
    return rendered(std::move(result), options, key);
}

}  // namespace taskhost
