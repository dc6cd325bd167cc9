#include "tasks/task_runner.h"

#include <Poco/JSON/Stringifier.h>

#include <optional>
#include <ostream>
#include <sstream>

#include "ledger/process_identity.h"
#include "tasks/outcome.h"
#include "tasks/task_record.h"
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

// The ledger's part of one run: its verdict before, its record after. Without a ledger every
// step lets the task go and records nothing.
class LedgerStep {
  public:
    // `ledger` is options.ledger, or null for a task that is not the ledger's business.
    LedgerStep(const TaskRequest& request, const TaskRunOptions& options, Ledger* ledger)
        : request_(request), ledger_(ledger), render_json_(options.outcome_json) {
        if (ledger_ == nullptr) {
            return;
        }
        identity_ = task_identity(request, options.manifest, options.name, options.canonical_params,
                                  options.journal_key);
        caller_ = options.caller.value_or(this_process_caller(options.source, request.id));
        if (caller_.owner.empty()) {
            caller_.owner = this_process_owner();
        }
        policy_ = options.resend;
        policy_.force = policy_.force || request.force;
        if (!policy_.interval) {
            policy_.interval = request.resend_interval;
        }
        if (!policy_.interval) {
            policy_.interval = request.account->resend_interval;
        }
    }

    // The host would not run the task: a history row says so (best effort: the task is
    // refused either way).
    void refused(const std::string& reason, const std::string& msg) {
        if (ledger_ != nullptr) {
            ledger_->record_refusal(identity_, caller_, reason, msg);
        }
    }

    // Dry run: what the journal says. A result when the task stops here.
    std::optional<TaskRunResult> judge() {
        if (ledger_ == nullptr) {
            return std::nullopt;
        }
        Result<LedgerVerdict> judged = ledger_->judge(identity_, policy_);
        if (!judged.ok()) {
            return refused_result(judged.error());
        }
        verdict_ = judged.value();
        return stop_unless_sending();
    }

    // Real run: the verdict and, to send, the durable intent.
    std::optional<TaskRunResult> claim() {
        if (ledger_ == nullptr) {
            return std::nullopt;
        }
        Result<LedgerVerdict> claimed = ledger_->claim(identity_, policy_, caller_);
        if (!claimed.ok()) {
            return refused_result(claimed.error());
        }
        verdict_ = claimed.value();
        claimed_ = verdict_.action == LedgerVerdict::Action::kSend;
        return stop_unless_sending();
    }

    // After the plugin ran: the completion (real run) and the verdict in the outcome.
    void finish(TaskRunResult& result) {
        result.verdict = verdict_;
        if (ledger_ == nullptr) {
            return;
        }
        Poco::JSON::Object::Ptr outcome = result.invocation.outcome;
        add_verdict(outcome, verdict_);
        const Poco::Dynamic::Var status = outcome->get("status");
        if (request_.dry_run && status.isString() && status.extract<std::string>() == "planned") {
            outcome->set("changed", true);  // what check mode and noop expect: it would send
        }
        if (claimed_) {
            const Completion completion = completion_from(outcome);
            if (Check bad = ledger_->complete(identity_, verdict_, caller_, completion)) {
                // Accepted or not, the ledger does not know: the intent stays, so the next run
                // reports this task in doubt and sends it again.
                result.record_error = bad->text();
                outcome->set("failed", true);
                outcome->set("status", "failed");
                outcome->set("msg", outcome->optValue<std::string>("msg", "") +
                                        "; but recording it failed: " + bad->text());
            }
        }
        if (render_json_) {
            result.invocation.outcome_json = to_json(outcome);
        }
    }

  private:
    std::optional<TaskRunResult> stop_unless_sending() const {
        if (verdict_.action == LedgerVerdict::Action::kSend) {
            return std::nullopt;
        }
        TaskRunResult result;
        result.ended = TaskRunResult::Ended::kNotSent;
        result.verdict = verdict_;
        result.invocation.outcome = not_sent_outcome(request_, verdict_, policy_.interval);
        result.invocation.outcome_json = to_json(result.invocation.outcome);
        return result;
    }

    // The ledger could not be read or written: the task stops before anything is sent.
    static std::optional<TaskRunResult> refused_result(const HostError& error) {
        TaskRunResult result;
        result.ended = TaskRunResult::Ended::kRefused;
        result.error = error;
        result.ledger_unavailable = true;
        return result;
    }

    const TaskRequest& request_;
    Ledger* ledger_;
    bool render_json_;
    TaskIdentity identity_;
    Caller caller_;
    ResendPolicy policy_;
    LedgerVerdict verdict_;
    bool claimed_ = false;
};

TaskRunResult rendered(TaskRunResult result, const TaskRunOptions& options, const ApiKey* key) {
    if (options.pretty) {
        std::ostringstream text;
        Poco::JSON::Stringifier::stringify(result.invocation.outcome, text, 2);
        result.outcome_pretty =
            scrub_secret(text.str(), key != nullptr ? key->view() : std::string_view());
    }
    return result;
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

TaskRunResult run_task(const TaskRequest& given, const TaskRunOptions& options, std::ostream& log) {
    // A read-only task changes nothing remote, so the ledger has nothing to guard: no claim, no
    // journal, no interval. What a plan needs is what it reads, so a dry run reads for real.
    const bool read_only = given.offer.task != nullptr && given.offer.task->read_only;
    std::optional<TaskRequest> reading;
    if (read_only && given.dry_run) {
        reading.emplace(given);
        reading->dry_run = false;
    }
    const TaskRequest& request = reading ? *reading : given;
    if (options.cancel.requested()) {
        return rendered(cancelled_before_start(request, kStopping), options, nullptr);
    }
    std::optional<ApiKey> own_key;  // wiped when the run ends
    HostError key_error;
    const ApiKey* key = key_for(request, options, own_key, key_error);
    Ledger* const ledger = read_only ? nullptr : options.ledger;
    LedgerStep step(request, options, ledger);
    if (key == nullptr && !request.dry_run) {
        step.refused("no_key", key_error.text());
        return refused(key_error);
    }
    if (key == nullptr) {
        log << "taskhost: note: " << key_error.text() << " (planning without a key)" << std::endl;
    }
    if (request.dry_run) {
        if (std::optional<TaskRunResult> stop = step.judge()) {
            return rendered(std::move(*stop), options, key);
        }
    }
    if (options.before_send) {
        const SendGate gate = options.before_send();
        if (gate.verdict == SendGate::Verdict::kRefused) {
            step.refused("refused", gate.error.text());
            return refused(gate.error);
        }
        if (gate.verdict == SendGate::Verdict::kCancelled) {
            return rendered(cancelled_before_start(request, kStopping), options, key);
        }
    }
    if (!request.dry_run) {
        if (std::optional<TaskRunResult> stop = step.claim()) {
            return rendered(std::move(*stop), options, key);
        }
    }
    TaskPacing pacing;
    pacing.pacer = options.pacer;
    pacing.on_answer = options.on_answer;
    if (options.pacer != nullptr) {
        pacing.windows = rate_windows_for(*request.offer.task, *request.account);
        pacing.on_bucket = options.on_bucket;
    }
    TaskRunResult result;
    // With a ledger, finish() adds the verdict and renders the outcome then.
    result.invocation = invoke_task(request, key, log, options.cancel, &pacing,
                                    ledger == nullptr && options.outcome_json);
    step.finish(result);
    return rendered(std::move(result), options, key);
}

}  // namespace taskhost
