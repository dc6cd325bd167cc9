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

ExchangeResult CertCentralExchange::run(const CertCentralRequest& request,
                                        const RequestSubject& subject) {
    ExchangeResult out;
    const int max_attempts = policy_.settings().max_attempts;
    CertCentralClient client(pool_);
    const auto cancelled = [&](int next_attempt) {
        out.end = ExchangeResult::End::kCancelled;
        out.error = TaskError{};
        out.error.kind = ErrorKind::kCancelled;
        out.error.msg = "the caller cancelled before attempt " + std::to_string(next_attempt) +
                        " of " + request.method + " " + request.url + "; nothing more was sent";
        return out;
    };

    for (int attempt = 1;; ++attempt) {
        if (host_.cancelled()) {
            return cancelled(attempt);
        }
        TaskError refusal;
        switch (take_turn(refusal)) {
            case Turn::kCancelled:
                return cancelled(attempt);
            case Turn::kRefused:
                out.end = ExchangeResult::End::kFailed;
                out.error = refusal;
                return out;
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
            return out;
        }

        out.attempts = attempt;
        ++total_attempts_;
        const AttemptResult result =
            client.send(request, connection_, std::min(connection_.timeout, remaining));
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
                return out;
            }
            error = map_http_error(*response, subject);
            if (response->retry_after) {
                retry_after =
                    parse_retry_after(*response->retry_after, std::chrono::system_clock::now());
            }
        } else {
            out.http_status.reset();
            error = map_transport_failure(std::get<TransportFailure>(result.result));
        }

        const auto elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - started_);
        const RetryDecision decision =
            policy_.decide(attempt, error.retryable, retry_after, elapsed, thread_rng());
        if (error.http_status == 429) {
            // Every task on this key waits, not only this one.
            if (host_.offers_acquire()) {
                host_.throttled(bucket_, retry_after.value_or(milliseconds(0)));
            } else {
                pacer_.throttled(bucket_, retry_after.value_or(decision.delay));
            }
        }
        if (decision.verdict == RetryDecision::Verdict::kPastDeadline) {
            error.msg += "; gave up: the next try (in " + std::to_string(decision.delay.count()) +
                         " ms) would pass deadline_ms=" +
                         std::to_string(policy_.settings().deadline.count());
        }
        const std::string what = error.http_status
                                     ? std::to_string(*error.http_status)
                                     : std::string(error_kind_name(error.kind)) + " failure";
        host_.log(TASKHOST_LOG_INFO, line + what + " (" + attempt_of(attempt, max_attempts) + ")" +
                                         next_step(decision));
        if (decision.verdict != RetryDecision::Verdict::kRetry) {
            out.end = ExchangeResult::End::kFailed;
            out.error = std::move(error);
            return out;
        }
        if (!host_.sleep_unless_cancelled(decision.delay)) {
            return cancelled(attempt + 1);
        }
    }
}

}  // namespace digicert_dcv
