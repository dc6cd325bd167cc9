// CertCentral's answer to GET {base}/domain/{id}?include_dcv=true&include_validation=true:
// the domain's DCV state, parsed with limits, and the judgement whether its DCV is complete
// (so a resend can be skipped).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace digicert_dcv {

inline constexpr std::size_t kMaxDomainInfoDepth = 16;
inline constexpr std::size_t kMaxValidations = 50;

struct DomainValidation {
    std::string type;             // "ov", "ev", ...
    std::string status;           // "pending" | "active"
    std::string dcv_status;       // "pending" | "complete" | ...
    std::string validated_until;  // a date-time as DigiCert wrote it
};

struct DomainDcvState {
    std::optional<int64_t> id;
    std::string name;
    std::optional<bool> is_active;
    std::optional<bool> is_pending_validation;
    std::string dcv_method;
    std::string dcv_approval_datetime;
    std::string dcv_expiration_datetime;
    std::vector<DomainValidation> validations;
};

std::variant<DomainDcvState, std::string> parse_domain_dcv_state(std::string_view body);

struct DcvVerdict {
    bool complete = false;
    std::string reason;       // why it is not complete; "" when complete
    std::string valid_until;  // when the DCV expires, when DigiCert said; "" otherwise
};

// Complete when DigiCert says is_pending_validation false, no validation is pending (or
// expired), and no expiry date it gave lies before `now`. Anything unknown counts as not
// complete: a needless resend costs one email, a wrong skip leaves a domain unvalidated.
DcvVerdict judge_dcv(const DomainDcvState& state, std::chrono::system_clock::time_point now);

// A DigiCert date-time ("2024-05-17T22:47:52+00:00", or a date "2024-05-17") as a time point.
std::optional<std::chrono::system_clock::time_point> parse_digicert_time(std::string_view text);

}  // namespace digicert_dcv
