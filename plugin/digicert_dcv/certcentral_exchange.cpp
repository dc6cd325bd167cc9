#include "certcentral_exchange.h"

#include <random>

namespace digicert_dcv {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

std::mt19937_64& thread_rng() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    return rng;
}

std::string attempt_of(int attempt, int max_attempts) {
    return "attempt " + std::to_string(attempt) + "/" + std::to_string(max_attempts);
}

std::string next_step(const RetryDecision& decision) {
    switch (decision.verdict) {
        case RetryDecision::Verdict::kRetry:
            return "; retrying in " + std::to_string(decision.delay.count()) + " ms";
        case RetryDecision::Verdict::kNotRetryable:
            return "; not retryable";
        case RetryDecision::Verdict::kExhausted:
            return "; no attempts left";
        case RetryDecision::Verdict::kPastDeadline:
            return "; giving up: the next try (in " + std::to_string(decision.delay.count()) +
                   " ms) would pass deadline_ms";
    }
    return "";
}

constexpr const char* kMayHaveBeenAccepted = "may have been accepted";

// An exchange that ends failed or cancelled after an in-doubt attempt says so, whatever ended
// it, and is not worth running again blindly.
void note_in_doubt(ExchangeResult& out) {
    if (!out.in_doubt || out.end == ExchangeResult::End::kAnswered) {
        out.in_doubt = false;
        return;
    }
    out.error.retryable = false;
    if (out.error.msg.find(kMayHaveBeenAccepted) == std::string::npos) {
        out.error.msg += std::string("; an attempt of it was sent in full and ") +
                         kMayHaveBeenAccepted + " (in doubt)";
    }
}

void end_cancelled(ExchangeResult& out, const CertCentralRequest& request, int next_attempt) {
    out.end = ExchangeResult::End::kCancelled;
    out.error = TaskError{};
    out.error.kind = ErrorKind::kCancelled;
    out.error.msg = "the caller cancelled before attempt " + std::to_string(next_attempt) + " of " +
                    request.method + " " + request.url + "; nothing more was sent";
}

// The caller cancelled while attempt `attempt` was under way: its connection was closed at
// once. A request already written in full may have been accepted (in doubt).
void end_cancelled_during(ExchangeResult& out, const CertCentralRequest& request, int attempt,
                          const TransportFailure& failure) {
    out.end = ExchangeResult::End::kCancelled;
    out.error = TaskError{};
    out.error.kind = ErrorKind::kCancelled;
    out.error.msg = "the caller cancelled during attempt " + std::to_string(attempt) + " of " +
                    request.method + " " + request.url + " (" + failure.msg +
                    "); nothing more was sent";
    if (is_in_doubt(failure, request.method)) {
        out.in_doubt = true;
    }
}

}  // namespace

CertCentralExchange::CertCentralExchange(const ConnectionSettings& connection, HostServices& host,
                                         SessionPool& pool, RequestPacer& pacer,
                                         Clock::time_point started)
    : connection_(connection),
      host_(host),
      pool_(pool),
      pacer_(pacer),
      policy_(connection.retry),
      bucket_(pacing_bucket_for_key(connection.api_key)),
      started_(started),
      deadline_(started + connection.retry.deadline) {}

CertCentralExchange::Turn CertCentralExchange::take_turn(TaskError& refusal) {
    refusal.kind = ErrorKind::kRateLimited;
    refusal.retryable = true;
    if (host_.offers_acquire()) {
        if (host_.acquire(bucket_)) {
            return Turn::kGo;
        }
        if (host_.cancelled()) {
            return Turn::kCancelled;
        }
        refusal.msg = "the host's pacer gave no turn for this API key (out of time)";
        return Turn::kRefused;
    }
    const auto turn = pacer_.acquire(
        bucket_, [&] { return host_.cancelled(); }, deadline_);
    if (turn == RequestPacer::Turn::kCancelled) {
        return Turn::kCancelled;
    }
    if (turn == RequestPacer::Turn::kOutOfTime) {
        refusal.msg =
            "no request slot under DigiCert's per-key limits (100/5 s, 1000/3 min) before "
            "deadline_ms=" +
            std::to_string(policy_.settings().deadline.count());
        return Turn::kRefused;
    }
    return Turn::kGo;
}

std::optional<milliseconds> CertCentralExchange::admit_attempt(const CertCentralRequest& request,
                                                               int attempt, ExchangeResult& out) {
    if (host_.cancelled()) {
        end_cancelled(out, request, attempt);
        return std::nullopt;
    }
    TaskError refusal;
    switch (take_turn(refusal)) {
        case Turn::kCancelled:
            end_cancelled(out, request, attempt);
            return std::nullopt;
        case Turn::kRefused:
            out.end = ExchangeResult::End::kFailed;
            out.error = refusal;
            return std::nullopt;
        case Turn::kGo:
            break;
    }
    const auto remaining = std::chrono::duration_cast<milliseconds>(deadline_ - Clock::now());
    if (remaining <= milliseconds(0)) {
        out.end = ExchangeResult::End::kFailed;
        out.error = TaskError{};
        out.error.kind = ErrorKind::kTimeout;
        out.error.retryable = true;
        out.error.msg = "deadline_ms=" + std::to_string(policy_.settings().deadline.count()) +
                        " passed before attempt " + std::to_string(attempt) + " of " +
                        request.method + " " + request.url;
        return std::nullopt;
    }
    return remaining;
}

std::optional<RetryDecision> CertCentralExchange::judge_attempt(const CertCentralRequest& request,
                                                                const RequestSubject& subject,
                                                                int attempt,
                                                                const AttemptResult& result,
                                                                ExchangeResult& out) {
    const int max_attempts = policy_.settings().max_attempts;
    const std::string line = request.method + " " + request.url + " -> ";
    TaskError error;
    std::optional<milliseconds> retry_after;
    if (const auto* response = std::get_if<HttpResponse>(&result.result)) {
        out.http_status = response->status;
        if (response->status >= 200 && response->status <= 299) {
            host_.log(TASKHOST_LOG_INFO, line + std::to_string(response->status) + " (" +
                                             attempt_of(attempt, max_attempts) + ")");
            out.end = ExchangeResult::End::kAnswered;
            out.response = *response;
            return std::nullopt;
        }
        error = map_http_error(*response, subject);
        if (response->retry_after) {
            retry_after =
                parse_retry_after(*response->retry_after, std::chrono::system_clock::now());
        }
    } else {
        out.http_status.reset();
        error = judge_failure(request, std::get<TransportFailure>(result.result), out);
    }

    const auto elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - started_);
    const RetryDecision decision =
        policy_.decide(attempt, error.retryable, retry_after, elapsed, thread_rng());
    if (error.http_status == 429) {
        report_throttled(retry_after, decision.delay);
    }
    if (decision.verdict == RetryDecision::Verdict::kPastDeadline) {
        error.msg +=
            "; gave up: the next try (in " + std::to_string(decision.delay.count()) +
            " ms) would pass deadline_ms=" + std::to_string(policy_.settings().deadline.count());
    }
    const std::string what = error.http_status
                                 ? std::to_string(*error.http_status)
                                 : std::string(error_kind_name(error.kind)) + " failure";
    host_.log(TASKHOST_LOG_INFO,
              line + what + " (" + attempt_of(attempt, max_attempts) + ")" + next_step(decision));
    if (decision.verdict != RetryDecision::Verdict::kRetry) {
        out.end = ExchangeResult::End::kFailed;
        out.error = std::move(error);
        return std::nullopt;
    }
    if (const auto* failure = std::get_if<TransportFailure>(&result.result);
        failure != nullptr && is_in_doubt(*failure, request.method)) {
        ++out.in_doubt_resends;
    }
    return decision;
}

TaskError CertCentralExchange::judge_failure(const CertCentralRequest& request,
                                             const TransportFailure& failure,
                                             ExchangeResult& out) const {
    TaskError error = map_transport_failure(failure);
    if (!is_in_doubt(failure, request.method)) {
        return error;
    }
    out.in_doubt = true;
    if (policy_.may_resend_in_doubt(failure, error.retryable, out.in_doubt_resends)) {
        return error;
    }
    const int allowed = policy_.settings().in_doubt_retries;
    std::string why;
    if (failure.response_started) {
        why = "the server had started to answer";
    } else if (!error.retryable) {
        why = "such a failure is not retried";
    } else {
        why = "connection.retry.in_doubt_retries=" + std::to_string(allowed) +
              (allowed > 0 ? ", all used" : "");
    }
    error.retryable = false;
    error.msg += std::string("; the request was sent in full and ") + kMayHaveBeenAccepted +
                 ", so it was not sent again (in doubt; " + why + ")";
    return error;
}

void CertCentralExchange::report_answer(const CertCentralRequest& request,
                                        const AttemptResult& result) const {
    const auto* response = std::get_if<HttpResponse>(&result.result);
    host_.answered(request.route, response != nullptr ? response->status : 0);
}

void CertCentralExchange::report_throttled(std::optional<milliseconds> retry_after,
                                           milliseconds backoff) {
    if (host_.offers_acquire()) {
        host_.throttled(bucket_, retry_after.value_or(milliseconds(0)));
    } else {
        pacer_.throttled(bucket_, retry_after.value_or(backoff));
    }
}

ExchangeResult CertCentralExchange::run(const CertCentralRequest& request,
                                        const RequestSubject& subject) {
    ExchangeResult out;
    CertCentralClient client(pool_, [this] { return host_.cancelled(); });
    for (int attempt = 1;; ++attempt) {
        const std::optional<milliseconds> remaining = admit_attempt(request, attempt, out);
        if (!remaining) {
            note_in_doubt(out);
            return out;
        }
        out.attempts = attempt;
        ++total_attempts_;
        const AttemptResult result =
            client.send(request, connection_, std::min(connection_.timeout, *remaining));
        report_answer(request, result);
        if (result.cancelled) {
            end_cancelled_during(out, request, attempt, std::get<TransportFailure>(result.result));
            note_in_doubt(out);
            return out;
        }
        const std::optional<RetryDecision> retry =
            judge_attempt(request, subject, attempt, result, out);
        if (!retry) {
            note_in_doubt(out);
            return out;
        }
        if (!host_.sleep_unless_cancelled(retry->delay)) {
            end_cancelled(out, request, attempt + 1);
            note_in_doubt(out);
            return out;
        }
    }
}

}  // namespace digicert_dcv
