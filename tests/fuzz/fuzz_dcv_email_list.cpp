// CertCentral's list of eligible DCV addresses is outside input: any bytes must give a list or a
// problem, and the recipient split must keep its promises for the domain's own scope (ignored
// ones are never eligible, will_mail is never empty while something is eligible) and for
// another scope (unknown: nothing promised to be mailed, only WHOIS contacts ignored).
#include <Poco/String.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dcv_recipients.h"

namespace {

bool has(const std::vector<std::string>& list, const std::string& address) {
    for (const std::string& candidate : list) {
        if (Poco::icompare(candidate, address) == 0) {
            return true;
        }
    }
    return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    auto parsed = digicert_dcv::parse_dcv_email_list(body);
    const auto* list = std::get_if<digicert_dcv::DcvEmailList>(&parsed);
    if (list == nullptr) {
        return 0;
    }
    const std::vector<std::string> requested = {"admin@example.com", "CEO@example.com",
                                                "dcv@example.net"};
    const auto report = digicert_dcv::report_recipients(requested, *list, "");
    for (const std::string& address : report.ignored) {
        if (has(report.eligible, address) || !has(requested, address)) {
            __builtin_trap();
        }
    }
    if (!report.eligible.empty() && report.will_mail.empty()) {
        __builtin_trap();
    }
    for (const std::string& address : report.will_mail) {
        if (!has(report.eligible, address)) {
            __builtin_trap();
        }
    }
    (void)digicert_dcv::recipient_warning(report);
    const auto other = digicert_dcv::report_recipients(requested, *list, "sub.example.com");
    if (Poco::icompare(list->name_scope, "sub.example.com") != 0 &&
        (other.split_known || !other.will_mail.empty() ||
         other.ignored.size() > other.whois.size())) {
        __builtin_trap();
    }
    (void)digicert_dcv::recipient_warning(other);
    return 0;
}
