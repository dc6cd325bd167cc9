// The task's `params` object, validated: which domain (by id, or by a name to resolve), the
// resend body's fields, and the pre-flight switches. Everything is checked before any network
// use; a problem names the field and the fix.
#pragma once

#include <Poco/JSON/Object.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace digicert_dcv {

inline constexpr std::size_t kMaxEmails = 100;
// Longer than any validation reuse period DigiCert has had (397 days for OV).
inline constexpr std::chrono::seconds kMaxRevalidateWithin{800 * 86400};

struct DcvResendParams {
    // Exactly one of the two.
    std::optional<int64_t> domain_id;
    std::optional<std::string> domain;  // an FQDN, lower-cased, resolved through the domain list
    std::optional<std::string> name_scope;
    std::optional<std::string> locale;
    std::optional<std::vector<std::string>> email_array;  // no address twice (any letter case)
    // Pre-flight reads, resolved to their defaults.
    bool skip_if_validated = false;  // true too when revalidate_within is given
    // Resend only when a validation is missing, pending, or expires within this window.
    std::optional<std::chrono::seconds> revalidate_within;
    bool check_recipients = false;  // default: true when email_array is given
    bool strict_recipients = false;
};

// Throws SpecInvalid (spec_json_reader.h) naming the field.
DcvResendParams parse_dcv_resend_params(const Poco::JSON::Object& params);

}  // namespace digicert_dcv
