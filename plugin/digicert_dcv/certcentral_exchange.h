// One logical request to CertCentral carried to its final answer: per attempt it checks
// cancellation, takes a pacing turn (the host's, or the plugin's own pacer), sends, maps the
// answer and retries what the RetryPolicy allows. The resend and every pre-flight read go
// through the same exchange, so all of a task's HTTP attempts share one pacing bucket, one
// attempt count and one deadline.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "certcentral_client.h"
#include "certcentral_request.h"
#include "dcv_resend_spec.h"
#include "error_mapping.h"
#include "host_services.h"
#include "request_pacer.h"
#include "retry_policy.h"
#include "session_pool.h"
#include "task_error.h"

namespace digicert_dcv {

struct ExchangeResult {
    enum class End {
        kAnswered,   // a 2xx: `response` holds it
        kFailed,     // `error` says why (mapped, or pacing / deadline)
        kCancelled,  // the caller cancelled; `error` is kind cancelled
    } end = End::kFailed;
    HttpResponse response;
    std::optional<int> http_status;  // of the last response, when there was one
    TaskError error;
    int attempts = 0;  // of this exchange
    // An attempt of a request that is not read-only was in doubt (sent in full, then no answer:
    // the server may have accepted it) and no later attempt was answered with a 2xx. The error
    // then says so and is not retryable: running the task again may do it twice.
    bool in_doubt = false;
    int in_doubt_resends = 0;  // attempts made again after an in-doubt one
};

class CertCentralExchange {
  public:
    // `started`: when the task started; connection.retry.deadline counts from there, across
    // every exchange of the task.
    CertCentralExchange(const ConnectionSettings& connection, HostServices& host, SessionPool& pool,
                        RequestPacer& pacer, std::chrono::steady_clock::time_point started);

    ExchangeResult run(const CertCentralRequest& request, const RequestSubject& subject);

    // Every HTTP attempt of every exchange so far.
    int total_attempts() const { return total_attempts_; }

  private:
    enum class Turn { kGo, kCancelled, kRefused };
    Turn take_turn(TaskError& refusal);

    // Before attempt `attempt`: not cancelled, a pacing turn, time left. Returns the time left
    // for the attempt, or nothing with `out` ended (cancelled, refused, past the deadline).
    std::optional<std::chrono::milliseconds> admit_attempt(const CertCentralRequest& request,
                                                           int attempt, ExchangeResult& out);

    // After attempt `attempt`: a 2xx ends `out` as answered; a failure is mapped and either
    // ends `out` as failed or returns the retry decision (wait `delay`, then try again).
    std::optional<RetryDecision> judge_attempt(const CertCentralRequest& request,
                                               const RequestSubject& subject, int attempt,
                                               const AttemptResult& result, ExchangeResult& out);

    // A transport failure, mapped. When it leaves the send in doubt, `out` is marked so and the
    // error stays retryable only while connection.retry.in_doubt_retries allows a resend.
    TaskError judge_failure(const CertCentralRequest& request, const TransportFailure& failure,
                            ExchangeResult& out) const;

    // Tells the host how the attempt of `request` ended (for its metrics): the status of its
    // answer, or 0 when none came.
    void report_answer(const CertCentralRequest& request, const AttemptResult& result) const;

    // A 429 makes every task on this API key wait, not only this one.
    void report_throttled(std::optional<std::chrono::milliseconds> retry_after,
                          std::chrono::milliseconds backoff);

    const ConnectionSettings& connection_;
    HostServices& host_;
    SessionPool& pool_;
    RequestPacer& pacer_;
    const RetryPolicy policy_;
    const std::string bucket_;
    const std::chrono::steady_clock::time_point started_;
    const std::chrono::steady_clock::time_point deadline_;
    int total_attempts_ = 0;
};

}  // namespace digicert_dcv
