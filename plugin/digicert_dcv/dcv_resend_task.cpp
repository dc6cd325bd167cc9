#include "dcv_resend_task.h"

#include <random>

#include "certcentral_client.h"
#include "error_mapping.h"
#include "retry_policy.h"

namespace digicert_dcv {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

std::mt19937_64& thread_rng() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    return rng;
}

std::string domain_phrase(const DcvResendParams& params) {
    const std::string id = "domain " + std::to_string(params.domain_id);
    return params.name_scope ? *params.name_scope + " (" + id + ")" : id;
}

std::string attempt_of(int attempt, int max_attempts) {
    return "attempt " + std::to_string(attempt) + "/" + std::to_string(max_attempts);
}

// Everything one run accumulates; finish_* turn it into the outcome.
struct Run {
    DcvOutcome outcome;
    Clock::time_point started = Clock::now();

    DcvOutcome finish() {
        outcome.duration_ms =
            std::chrono::duration_cast<milliseconds>(Clock::now() - started).count();
        return outcome;
    }
};

}  // namespace

DcvOutcome invalid_spec_outcome(const SpecError& error) {
    DcvOutcome outcome;
    if (error.task) {
        outcome.task = *error.task;
    }
    outcome.id = error.id;
    outcome.status = OutcomeStatus::kFailed;
    outcome.msg = "invalid task spec: " + error.msg;
    TaskError task_error;
    task_error.kind = ErrorKind::kInvalidInput;
    task_error.msg = error.msg;
    task_error.field = error.field;
    outcome.error = task_error;
    return outcome;
}

DcvOutcome DcvResendTask::run() {
    Run run;
    DcvOutcome& outcome = run.outcome;
    const DcvResendRequest request = build_dcv_resend_request(spec_);
    const std::string domain = domain_phrase(spec_.params);
    outcome.id = spec_.id;
    outcome.request = request;
    outcome.requested = spec_.params.email_array;

    if (spec_.dry_run) {
        outcome.status = OutcomeStatus::kPlanned;
        outcome.msg =
            "would resend DCV emails for " + domain + ": " + request.method + " " + request.url;
        return run.finish();
    }

    host_.set_secret(spec_.connection.api_key);
    const RetryPolicy policy(spec_.connection.retry);
    const std::string bucket = pacing_bucket_for_key(spec_.connection.api_key);
    const int max_attempts = policy.settings().max_attempts;
    const Clock::time_point deadline = run.started + policy.settings().deadline;
    CertCentralClient client(pool_);

    const auto fail = [&](OutcomeStatus status, TaskError error) {
        outcome.status = status;
        const std::string tries =
            outcome.attempts > 1 ? " after " + std::to_string(outcome.attempts) + " attempts" : "";
        outcome.msg = status == OutcomeStatus::kCancelled
                          ? "DCV resend for " + domain + " cancelled: " + error.msg
                          : "DCV resend for " + domain + " failed" + tries + ": " + error.msg;
        outcome.error = std::move(error);
        return run.finish();
    };
    const auto cancelled = [&](int next_attempt) {
        TaskError error;
        error.kind = ErrorKind::kCancelled;
        error.msg = "the caller cancelled before attempt " + std::to_string(next_attempt) +
                    "; nothing more was sent";
        return fail(OutcomeStatus::kCancelled, error);
    };

    for (int attempt = 1;; ++attempt) {
        if (host_.cancelled()) {
            return cancelled(attempt);
        }
        if (host_.offers_acquire()) {
            if (!host_.acquire(bucket)) {
                if (host_.cancelled()) {
                    return cancelled(attempt);
                }
                TaskError error;
                error.kind = ErrorKind::kRateLimited;
                error.retryable = true;
                error.msg = "the host's pacer gave no turn for this API key (out of time)";
                return fail(OutcomeStatus::kFailed, error);
            }
        } else {
            const auto turn = pacer_.acquire(
                bucket, [&] { return host_.cancelled(); }, deadline);
            if (turn == RequestPacer::Turn::kCancelled) {
                return cancelled(attempt);
            }
            if (turn == RequestPacer::Turn::kOutOfTime) {
                TaskError error;
                error.kind = ErrorKind::kRateLimited;
                error.retryable = true;
                error.msg =
                    "no request slot under DigiCert's per-key limits (100/5 s, 1000/3 min) "
                    "before deadline_ms=" +
                    std::to_string(policy.settings().deadline.count());
                return fail(OutcomeStatus::kFailed, error);
            }
        }
        const auto remaining = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
        if (remaining <= milliseconds(0)) {
            TaskError error;
            error.kind = ErrorKind::kTimeout;
            error.retryable = true;
            error.msg = "deadline_ms=" + std::to_string(policy.settings().deadline.count()) +
                        " passed before attempt " + std::to_string(attempt);
            return fail(OutcomeStatus::kFailed, error);
        }

        outcome.attempts = attempt;
        const AttemptResult result =
            client.send(request, spec_.connection, std::min(spec_.connection.timeout, remaining));
        const std::string line = request.method + " " + request.url + " -> ";
        TaskError error;
        std::optional<milliseconds> retry_after;
        if (const auto* response = std::get_if<HttpResponse>(&result.result)) {
            outcome.http_status = response->status;
            if (response->status >= 200 && response->status <= 299) {
                host_.log(TASKHOST_LOG_INFO, line + std::to_string(response->status) + " (" +
                                                 attempt_of(attempt, max_attempts) + ")");
                if (response->status != 204) {
                    host_.log(TASKHOST_LOG_WARN, "expected 204 No Content from DigiCert, got " +
                                                     std::to_string(response->status) +
                                                     "; treating it as success");
                }
                outcome.status = OutcomeStatus::kSucceeded;
                outcome.changed = true;
                outcome.msg = "DCV emails resent for " + domain;
                return run.finish();
            }
            error = map_http_error(*response, spec_.params.domain_id);
            if (response->retry_after) {
                retry_after =
                    parse_retry_after(*response->retry_after, std::chrono::system_clock::now());
            }
        } else {
            outcome.http_status.reset();
            error = map_transport_failure(std::get<TransportFailure>(result.result));
        }

        const auto elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - run.started);
        const RetryDecision decision =
            policy.decide(attempt, error.retryable, retry_after, elapsed, thread_rng());
        if (error.http_status == 429) {
            // Every task on this key waits, not only this one.
            const milliseconds hold = retry_after.value_or(decision.delay);
            if (host_.offers_acquire()) {
                host_.throttled(bucket, retry_after.value_or(milliseconds(0)));
            } else {
                pacer_.throttled(bucket, hold);
            }
        }
        const std::string what = error.http_status
                                     ? std::to_string(*error.http_status)
                                     : std::string(error_kind_name(error.kind)) + " failure";
        std::string next;
        switch (decision.verdict) {
            case RetryDecision::Verdict::kRetry:
                next = "; retrying in " + std::to_string(decision.delay.count()) + " ms";
                break;
            case RetryDecision::Verdict::kNotRetryable:
                next = "; not retryable";
                break;
            case RetryDecision::Verdict::kExhausted:
                next = "; no attempts left";
                break;
            case RetryDecision::Verdict::kPastDeadline:
                next = "; giving up: the next try (in " + std::to_string(decision.delay.count()) +
                       " ms) would pass deadline_ms";
                error.msg += "; gave up: the next try (in " +
                             std::to_string(decision.delay.count()) +
                             " ms) would pass deadline_ms=" +
                             std::to_string(policy.settings().deadline.count());
                break;
        }
        host_.log(TASKHOST_LOG_INFO,
                  line + what + " (" + attempt_of(attempt, max_attempts) + ")" + next);
        if (decision.verdict != RetryDecision::Verdict::kRetry) {
            return fail(OutcomeStatus::kFailed, error);
        }
        if (!host_.sleep_unless_cancelled(decision.delay)) {
            return cancelled(attempt + 1);
        }
    }
}

}  // namespace digicert_dcv
