#include "dcv_resend_task.h"

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
    const DcvResendParams& params = spec_.params;
    outcome.id = spec_.id;
    outcome.requested = params.email_array;

    // Only a dry run gets here without a key: plan from the params alone.
    if (spec_.connection.api_key.empty()) {
        PreflightFindings findings;
        findings.domain = DomainIdentity{params.domain_id, params.domain.value_or(""), "params"};
        outcome.preflight = findings;
        outcome.status = OutcomeStatus::kPlanned;
        const std::string domain = domain_phrase(params, findings.domain);
        if (params.domain_id) {
            outcome.request = build_dcv_resend_request(spec_, *params.domain_id);
            outcome.msg = "would resend DCV emails for " + domain + ": " + outcome.request->method +
                          " " + outcome.request->url;
        } else {
            outcome.msg = "would look up the id of the domain named " + domain +
                          ", then resend its DCV emails";
        }
        if (const std::string reads = reads_not_made(params); !reads.empty()) {
            outcome.msg +=
                "; no api_key was given, so the read-only pre-flight (" + reads + ") was not made";
        }
        return run.finish();
    }

    host_.set_secret(spec_.connection.api_key);
    CertCentralExchange exchange(spec_.connection, host_, pool_, pacer_, run.started);
    const PreflightResult preflight = DcvPreflight(spec_, exchange, names_, host_).run();
    outcome.preflight = preflight.findings;
    outcome.attempts = exchange.total_attempts();
    const DomainIdentity& identity = preflight.findings.domain;
    const std::string domain = domain_phrase(params, identity);
    if (identity.id) {
        outcome.request = build_dcv_resend_request(spec_, *identity.id);
    }
    switch (preflight.end) {
        case PreflightResult::End::kFailed:
            return run.fail(OutcomeStatus::kFailed, preflight.error, domain, preflight.attempts,
                            "; nothing was sent");
        case PreflightResult::End::kCancelled:
            return run.fail(OutcomeStatus::kCancelled, preflight.error, domain, preflight.attempts);
        case PreflightResult::End::kValidated: {
            const std::string& until = preflight.findings.dcv->verdict.valid_until;
            outcome.status = OutcomeStatus::kSkipped;
            outcome.msg = "DCV for " + domain + " is already validated" +
                          (until.empty() ? "" : " until " + printable_excerpt(until, 64)) +
                          (spec_.dry_run ? "; nothing would be sent" : "; nothing was sent");
            return run.finish();
        }
        case PreflightResult::End::kProceed:
            break;
    }

    const CertCentralRequest& request = *outcome.request;
    if (spec_.dry_run) {
        outcome.status = OutcomeStatus::kPlanned;
        outcome.msg = with_warning(
            "would resend DCV emails for " + domain + ": " + request.method + " " + request.url,
            preflight.findings);
        return run.finish();
    }

    const ExchangeResult resend = exchange.run(request, resend_subject(*identity.id));
    outcome.attempts = exchange.total_attempts();
    outcome.http_status = resend.http_status;
    switch (resend.end) {
        case ExchangeResult::End::kAnswered:
            if (resend.response.status != 204) {
                host_.log(TASKHOST_LOG_WARN, "expected 204 No Content from DigiCert, got " +
                                                 std::to_string(resend.response.status) +
                                                 "; treating it as success");
            }
            outcome.status = OutcomeStatus::kSucceeded;
            outcome.changed = true;
            outcome.msg = with_warning("DCV emails resent for " + domain, preflight.findings);
            return run.finish();
        case ExchangeResult::End::kCancelled:
            return run.fail(OutcomeStatus::kCancelled, resend.error, domain, resend.attempts);
        case ExchangeResult::End::kFailed:
            break;
    }
    return run.fail(OutcomeStatus::kFailed, resend.error, domain, resend.attempts);
}

}  // namespace digicert_dcv
