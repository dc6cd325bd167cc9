// The result of one task as a value: the one shape every execution ends in, rendered to JSON
// by outcome_writer. Ansible reads it without glue (changed/failed/msg); Bolt (_error) and Salt
// (changed=, comment=) through the thin adapters in host/integrations and `--format salt`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "certcentral_request.h"
#include "dcv_recipients.h"
#include "dcv_resend_spec.h"
#include "dcv_validity.h"
#include "domain_dcv_state.h"
#include "domain_listing.h"
#include "task_error.h"

namespace digicert_dcv {

enum class OutcomeStatus { kSucceeded, kFailed, kSkipped, kPlanned, kCancelled };

// Which domain the task acted on, so callers see the id that was used.
struct DomainIdentity {
    std::optional<int64_t> id;  // absent only when a name could not be resolved
    std::string name;           // "" when nothing named it (a bare domain_id, no reads)
    std::string source;         // "params", "lookup" or "cache": where the id came from
};

// One read-only request of the pre-flight, as the outcome lists it.
struct PreflightRead {
    std::string method;  // "GET"
    std::string url;
    std::optional<int> http_status;  // of its last attempt; absent when none answered
};

struct DcvStateReport {
    DomainDcvState state;
    DcvVerdict verdict;
};

// What the pre-flight learned before the resend (or instead of it).
struct PreflightFindings {
    DomainIdentity domain;
    std::vector<PreflightRead> reads;
    std::optional<DcvStateReport> dcv;          // read when skip_if_validated
    std::optional<RecipientReport> recipients;  // read when check_recipients
};

struct DcvOutcome {
    std::string task{kTaskName};
    std::optional<std::string> id;
    OutcomeStatus status = OutcomeStatus::kFailed;
    bool changed = false;
    std::string msg;   // one human line naming the domain
    int attempts = 0;  // every HTTP attempt: pre-flight reads and the resend
    int64_t duration_ms = 0;
    std::optional<CertCentralRequest> request;  // the resend, rendered with the key redacted
    std::optional<int> http_status;             // of the resend's last response, when there was one
    std::optional<std::vector<std::string>> requested;
    std::optional<PreflightFindings> preflight;  // absent only for a spec that did not validate
    std::optional<TaskError> error;              // failed and cancelled only
    // Failed or cancelled after the resend was sent in full without an answer: DigiCert may
    // have accepted it. Written as the outcome's top-level "in_doubt": true, which the host's
    // ledger keeps (a later send is then known to be possibly a second one).
    bool in_doubt = false;
    // digicert.domain.list: what it found (present once the listing started).
    std::optional<DomainListing> listing;
};

inline bool outcome_failed(const DcvOutcome& outcome) {
    return outcome.status == OutcomeStatus::kFailed || outcome.status == OutcomeStatus::kCancelled;
}

}  // namespace digicert_dcv
