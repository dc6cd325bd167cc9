// A domain as the sandbox answers for it: SandboxDomain's shorthand and defaults resolved once,
// at start, against the sandbox's start time.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sandbox_domain.h"

namespace sandbox {

struct ServedDomain {
    using TimePoint = std::chrono::system_clock::time_point;

    int64_t id = 0;
    std::string name;
    bool is_active = true;
    bool is_pending_validation = false;
    std::vector<DomainValidation> validations;  // "ov" first, then "ev"
    std::vector<std::string> whois_emails;
    std::vector<std::string> dns_txt_emails;
    // dcv_approval_datetime and dcv_expiration_datetime; both unset when no validation has a
    // validated_until.
    std::optional<TimePoint> dcv_approved_at;
    std::optional<TimePoint> dcv_expires_at;
};

ServedDomain serve_domain(const SandboxDomain& domain, std::chrono::system_clock::time_point start);

}  // namespace sandbox
