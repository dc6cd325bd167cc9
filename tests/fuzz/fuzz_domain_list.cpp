// CertCentral's answer to the domain search is outside input: any bytes must give a list or a
// problem, never a crash, a hang or an exception; an exact match must really be one, and each
// domain's DCV state judges to a verdict with a reason exactly when it is not complete.
#include <Poco/String.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "dcv_validity.h"
#include "domain_list.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    auto parsed = digicert_dcv::parse_domain_list(body);
    if (const auto* list = std::get_if<digicert_dcv::DomainList>(&parsed)) {
        if (list->domains.size() > digicert_dcv::kMaxDomainsListed) {
            __builtin_trap();
        }
        for (const char* name : {"example.com", "EXAMPLE.com"}) {
            for (const auto& match : digicert_dcv::exact_name_matches(*list, name)) {
                if (Poco::icompare(match.name, std::string(name)) != 0 || match.id <= 0) {
                    __builtin_trap();
                }
            }
        }
        (void)digicert_dcv::list_is_partial(*list);
        // Each listed domain's DCV state is judged as the listing judges it.
        for (const auto& domain : list->domains) {
            const auto verdict = digicert_dcv::judge_dcv(
                domain.state, std::chrono::system_clock::now(), std::chrono::hours(24 * 30));
            if (verdict.complete != verdict.reason.empty()) {
                __builtin_trap();
            }
        }
    }
    return 0;
}
