// CertCentral's domain info answer is outside input: any bytes must give a state or a problem,
// and a DCV judged complete must be one where no validation type is pending, expired or due
// within the window (the is_pending_validation flag never decides it).
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string_view>

#include "dcv_validity.h"
#include "domain_dcv_state.h"

namespace {

void check(const digicert_dcv::DomainDcvState& state, std::chrono::seconds window) {
    const auto now = std::chrono::system_clock::now();
    const auto verdict = digicert_dcv::judge_dcv(state, now, window);
    const bool any_due = std::any_of(verdict.types.begin(), verdict.types.end(),
                                     [](const auto& type) { return type.due; });
    if (verdict.complete != (!any_due && !verdict.types.empty())) {
        __builtin_trap();
    }
    if (verdict.complete != verdict.reason.empty()) {
        __builtin_trap();
    }
    for (const auto& type : verdict.types) {
        if (verdict.complete && type.until && *type.until <= now + window) {
            __builtin_trap();
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    auto parsed = digicert_dcv::parse_domain_dcv_state(body);
    if (const auto* state = std::get_if<digicert_dcv::DomainDcvState>(&parsed)) {
        check(*state, std::chrono::seconds(0));
        check(*state, std::chrono::hours(24 * 30));
    }
    // The date and duration readers see outside strings too.
    (void)digicert_dcv::parse_digicert_time(body.substr(0, 64));
    (void)digicert_dcv::parse_duration(std::string(body.substr(0, 16)), std::chrono::hours(19200));
    return 0;
}
