#include "dcv_resend_task.h"

#include <optional>

#include "certcentral_exchange.h"
#include "dcv_preflight.h"
#include "dcv_resend_request.h"
#include "printable_text.h"

namespace digicert_dcv {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// "sub.example.com (domain 1234567)": the scope the user gave, else the domain's known name.
std::string domain_phrase(const DcvResendParams& params, const DomainIdentity& domain) {
    const std::string& name = params.name_scope ? *params.name_scope : domain.name;
    if (!domain.id) {
        return name;
    }
    const std::string id = "domain " + std::to_string(*domain.id);
    return name.empty() ? id : name + " (" + id + ")";
}

std::string with_warning(std::string msg, const PreflightFindings& findings) {
    if (findings.dcv && !findings.dcv->verdict.complete) {
        msg += "; due: " + printable_excerpt(findings.dcv->verdict.reason, 300);
    }
    if (findings.recipients) {
        const std::string warning = recipient_warning(*findings.recipients);
        if (!warning.empty()) {
            msg += "; warning: " + warning;
        }
    }
    return msg;
}

// The reads a spec asked for that a dry run without a key cannot make.
std::string reads_not_made(const DcvResendParams& params) {
    std::string reads;
    const auto add = [&](const char* what) {
        reads += (reads.empty() ? "" : ", ") + std::string(what);
    };
    if (params.domain) {
        add("domain lookup");
    }
    if (params.skip_if_validated) {
        add("DCV state check");
    }
    if (params.check_recipients) {
        add("recipient check");
    }
    return reads;
}

// Everything one run accumulates; finish() stamps the duration.
struct Run {
    DcvOutcome outcome;
    Clock::time_point started = Clock::now();

    DcvOutcome finish() {
        outcome.duration_ms =
            std::chrono::duration_cast<milliseconds>(Clock::now() - started).count();
        return outcome;
    }

    DcvOutcome fail(OutcomeStatus status, TaskError error, const std::string& domain, int attempts,
                    const std::string& note = "") {
        outcome.status = status;
        const std::string tries =
            attempts > 1 ? " after " + std::to_string(attempts) + " attempts" : "";
        outcome.msg = status == OutcomeStatus::kCancelled
                          ? "DCV resend for " + domain + " cancelled: " + error.msg
                          : "DCV resend for " + domain + " failed" + tries + ": " + error.msg;
        outcome.msg += note;
        outcome.error = std::move(error);
        return finish();
    }
};

// Only a dry run gets here without a key: plan from the params alone.
DcvOutcome plan_without_key(const DcvResendSpec& spec, Run& run) {
    DcvOutcome& outcome = run.outcome;
    const DcvResendParams& params = spec.params;
    PreflightFindings findings;
    findings.domain = DomainIdentity{params.domain_id, params.domain.value_or(""), "params"};
    outcome.preflight = findings;
    outcome.status = OutcomeStatus::kPlanned;
    const std::string domain = domain_phrase(params, findings.domain);
    if (params.domain_id) {
        outcome.request = build_dcv_resend_request(spec, *params.domain_id);
        outcome.msg = "would resend DCV emails for " + domain + ": " + outcome.request->method +
                      " " + outcome.request->url;
    } else {
        outcome.msg =
            "would look up the id of the domain named " + domain + ", then resend its DCV emails";
    }
    if (const std::string reads = reads_not_made(params); !reads.empty()) {
        outcome.msg +=
            "; no api_key was given, so the read-only pre-flight (" + reads + ") was not made";
    }
    return run.finish();
}

// The outcome when the pre-flight ended the task (failed, cancelled, already validated);
// nothing when the resend goes ahead.
std::optional<DcvOutcome> end_after_preflight(const DcvResendSpec& spec,
                                              const PreflightResult& preflight,
                                              const std::string& domain, Run& run) {
    switch (preflight.end) {
        case PreflightResult::End::kFailed:
            return run.fail(OutcomeStatus::kFailed, preflight.error, domain, preflight.attempts,
                            "; nothing was sent");
        case PreflightResult::End::kCancelled:
            return run.fail(OutcomeStatus::kCancelled, preflight.error, domain, preflight.attempts);
        case PreflightResult::End::kValidated: {
            const DcvVerdict& verdict = preflight.findings.dcv->verdict;
            run.outcome.status = OutcomeStatus::kSkipped;
            run.outcome.msg = "DCV for " + domain + " is already validated" +
                              (verdict.valid_until.empty()
                                   ? ""
                                   : " until " + printable_excerpt(verdict.valid_until, 64)) +
                              (verdict.window.count() > 0
                                   ? ", more than " + format_duration(verdict.window) + " from now"
                                   : "") +
                              (spec.dry_run ? "; nothing would be sent" : "; nothing was sent");
            return run.finish();
        }
        case PreflightResult::End::kProceed:
            break;
    }
    if (spec.dry_run) {
        const CertCentralRequest& request = *run.outcome.request;
        run.outcome.status = OutcomeStatus::kPlanned;
        run.outcome.msg = with_warning(
            "would resend DCV emails for " + domain + ": " + request.method + " " + request.url,
            preflight.findings);
        return run.finish();
    }
    return std::nullopt;
}

// The resend itself, through the exchange the pre-flight used.
DcvOutcome resend(HostServices& host, CertCentralExchange& exchange,
                  const PreflightResult& preflight, const std::string& domain, Run& run) {
    DcvOutcome& outcome = run.outcome;
    const ExchangeResult result =
        exchange.run(*outcome.request, resend_subject(*preflight.findings.domain.id));
    outcome.attempts = exchange.total_attempts();
    outcome.http_status = result.http_status;
    outcome.in_doubt = result.in_doubt;
    switch (result.end) {
        case ExchangeResult::End::kAnswered:
            if (result.response.status != 204) {
                host.log(TASKHOST_LOG_WARN, "expected 204 No Content from DigiCert, got " +
                                                std::to_string(result.response.status) +
                                                "; treating it as success");
            }
            outcome.status = OutcomeStatus::kSucceeded;
            outcome.changed = true;
            outcome.msg = with_warning("DCV emails resent for " + domain, preflight.findings);
            return run.finish();
        case ExchangeResult::End::kCancelled:
            return run.fail(OutcomeStatus::kCancelled, result.error, domain, result.attempts);
        case ExchangeResult::End::kFailed:
            break;
    }
    return run.fail(OutcomeStatus::kFailed, result.error, domain, result.attempts);
}

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
    run.outcome.id = spec_.id;
    run.outcome.requested = spec_.params.email_array;
    if (spec_.connection.api_key.empty()) {
        return plan_without_key(spec_, run);
    }

    host_.set_secret(spec_.connection.api_key);
    CertCentralExchange exchange(spec_.connection, host_, pool_, pacer_, run.started);
    const PreflightResult preflight = DcvPreflight(spec_, exchange, names_, host_).run();
    run.outcome.preflight = preflight.findings;
    run.outcome.attempts = exchange.total_attempts();
    const DomainIdentity& identity = preflight.findings.domain;
    const std::string domain = domain_phrase(spec_.params, identity);
    if (identity.id) {
        run.outcome.request = build_dcv_resend_request(spec_, *identity.id);
    }
    if (std::optional<DcvOutcome> ended = end_after_preflight(spec_, preflight, domain, run)) {
        return std::move(*ended);
    }
    return resend(host_, exchange, preflight, domain, run);
}

}  // namespace digicert_dcv
