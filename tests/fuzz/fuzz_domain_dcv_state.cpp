// CertCentral's domain info answer is outside input: any bytes must give a state or a problem,
// and a DCV judged complete must be one DigiCert said was not pending.
#include <chrono>
#include <cstdint>
#include <string_view>

#include "domain_dcv_state.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    auto parsed = digicert_dcv::parse_domain_dcv_state(body);
    if (const auto* state = std::get_if<digicert_dcv::DomainDcvState>(&parsed)) {
        const auto verdict = digicert_dcv::judge_dcv(*state, std::chrono::system_clock::now());
        if (verdict.complete &&
            (state->is_pending_validation != false || !verdict.reason.empty())) {
            __builtin_trap();
        }
        if (!verdict.complete && verdict.reason.empty()) {
            __builtin_trap();
        }
        (void)digicert_dcv::parse_digicert_time(state->dcv_expiration_datetime);
    }
    // The date reader sees DigiCert's strings too.
    (void)digicert_dcv::parse_digicert_time(body.substr(0, 64));
    return 0;
}
