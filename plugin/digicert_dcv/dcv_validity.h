// Whether a domain's validations are good for `window` more, judged per validation type (OV,
// EV, ...) from validations[] (status, validated_until) and dcv_expiration {ov, ev}, as
// DigiCert's documentation advises: its is_pending_validation flag is not a verdict (its own
// example sets it on a domain whose OV validation is active). Shared by the resend's
// skip_if_validated / revalidate_within and by the domain list's filters.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "domain_dcv_state.h"

namespace digicert_dcv {

// One validation type as judged.
struct ValidationVerdict {
    std::string type;         // as DigiCert wrote it ("ov")
    std::string status;       // "active", "pending", ... ("" when only dcv_expiration names it)
    std::string valid_until;  // the earliest expiry DigiCert gave for it, as written; "" if none
    std::optional<std::chrono::system_clock::time_point> until;  // valid_until parsed
    bool pending = false;  // pending (or expired, or never validated)
    bool due = false;      // pending, expired, expiring within the window, or expiry unknown
    std::string reason;    // why it is due ("" when not)
};

struct DcvVerdict {
    bool complete = false;    // no type is due: nothing to resend
    std::string reason;       // the first due type's reason; "" when complete
    std::string valid_until;  // the earliest expiry over every type, as written; "" when none
    std::chrono::seconds window{0};
    std::vector<ValidationVerdict> types;
    // DigiCert's flag says pending while every type is active and in date (its documented
    // quirk): reported, never acted on.
    bool pending_flag_disagrees = false;
};

// Due when a type is pending, expired, or expires within `window` of `now`; with a window, an
// active type whose expiry DigiCert does not give is due too (a needless resend costs an email,
// a wrong skip leaves a domain unvalidated). No validation at all is due. A date without a time
// (US Mountain time) is taken as the start of that day in UTC: a few hours early, never late.
DcvVerdict judge_dcv(const DomainDcvState& state, std::chrono::system_clock::time_point now,
                     std::chrono::seconds window = std::chrono::seconds(0));

// "30d", "12h", "90m", "3600s" (1 second to `max`), or std::nullopt.
std::optional<std::chrono::seconds> parse_duration(const std::string& text,
                                                   std::chrono::seconds max);

// "30d" / "12h" / "90m" / "45s": the largest unit that divides it.
std::string format_duration(std::chrono::seconds duration);

}  // namespace digicert_dcv
