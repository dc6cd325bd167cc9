// CertCentral's answer to GET {base}/domain/{id}?include_dcv=true&include_validation=true (and
// each entry of the domain list, which carries the same fields): the domain's DCV state, parsed
// with limits. dcv_validity.h judges it.
#pragma once

#include <Poco/JSON/Object.h>

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
    // dcv_expiration {"ov": .., "ev": ..}: per validation type, a date ("2027-01-02", US
    // Mountain time) or, with include_dcv_expiration_time, a date-time in UTC. In key order.
    std::vector<std::pair<std::string, std::string>> dcv_expiration;
};

std::variant<DomainDcvState, std::string> parse_domain_dcv_state(std::string_view body);

// One domain object (a domain info answer, or an entry of the domain list at `path`). Throws
// ResponseInvalid (response_json.h).
DomainDcvState read_domain_dcv_state(const Poco::JSON::Object& object, const std::string& path);

// A DigiCert date-time ("2024-05-17T22:47:52+00:00", or a date "2024-05-17") as a time point.
std::optional<std::chrono::system_clock::time_point> parse_digicert_time(std::string_view text);

}  // namespace digicert_dcv
