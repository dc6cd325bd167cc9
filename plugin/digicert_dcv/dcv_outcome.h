// The result of one task as a value: the one shape every execution ends in, rendered to JSON
// by outcome_writer. Agents read it without glue: Ansible (changed/failed/msg), Bolt (error),
// Salt (changed, msg as comment).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dcv_resend_request.h"
#include "dcv_resend_spec.h"
#include "task_error.h"

namespace digicert_dcv {

enum class OutcomeStatus { kSucceeded, kFailed, kSkipped, kPlanned, kCancelled };

struct DcvOutcome {
    std::string task{kTaskName};
    std::optional<std::string> id;
    OutcomeStatus status = OutcomeStatus::kFailed;
    bool changed = false;
    std::string msg;  // one human line naming the domain
    int attempts = 0;
    int64_t duration_ms = 0;
    std::optional<DcvResendRequest> request;  // rendered with the key redacted
    std::optional<int> http_status;           // of the last response, when there was one
    std::optional<std::vector<std::string>> requested;
    std::optional<TaskError> error;  // failed and cancelled only
};

inline bool outcome_failed(const DcvOutcome& outcome) {
    return outcome.status == OutcomeStatus::kFailed || outcome.status == OutcomeStatus::kCancelled;
}

}  // namespace digicert_dcv
