// What the domain-state suites share: a domain info answer parsed (a problem fails the test),
// a fixed "now", and CertCentral's answer for a validated domain.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "domain_dcv_state.h"

namespace dcv_test {

inline const auto kNow =
    std::chrono::system_clock::time_point(std::chrono::seconds(1767225600));  // 2026-01-01

inline digicert_dcv::DomainDcvState expect_state(const std::string& body) {
    auto parsed = digicert_dcv::parse_domain_dcv_state(body);
    if (const auto* problem = std::get_if<std::string>(&parsed)) {
        ADD_FAILURE() << "unexpected problem: " << *problem;
        return {};
    }
    return std::get<digicert_dcv::DomainDcvState>(parsed);
}

inline constexpr const char* kValidated = R"({"id":1234568,"name":"example.org","is_active":true,
    "is_pending_validation":false,"dcv_method":"email",
    "dcv_approval_datetime":"2025-06-01T10:00:00+00:00",
    "dcv_expiration_datetime":"2026-07-02T10:00:00+00:00",
    "validations":[{"type":"ov","name":"OV","status":"active","dcv_status":"complete",
                    "validated_until":"2026-07-02T10:00:00+00:00"}]})";

}  // namespace dcv_test
