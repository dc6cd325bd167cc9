#include "dcv_recipients.h"

#include <Poco/String.h>

#include <algorithm>

#include "certcentral_request.h"
#include "printable_text.h"
#include "response_json.h"

namespace digicert_dcv {
namespace {

using Poco::JSON::Object;

bool contains_address(const std::vector<std::string>& list, const std::string& address) {
    return std::any_of(list.begin(), list.end(), [&](const std::string& candidate) {
        return Poco::icompare(candidate, address) == 0;
    });
}

void append_new(std::vector<std::string>& list, const std::vector<std::string>& more) {
    for (const std::string& address : more) {
        if (!contains_address(list, address)) {
            list.push_back(address);
        }
    }
}

std::string count_of(std::size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

std::variant<DcvEmailList, std::string> parse_dcv_email_list(std::string_view body) {
    try {
        const Object::Ptr root =
            parse_response_object(body, kMaxResponseBody, kMaxDcvEmailListDepth);
        DcvEmailList list;
        list.name_scope = response_string(*root, "", "name_scope").value_or("");
        list.base_emails = response_string_list(*root, "", "base_emails", kMaxEligiblePerList);
        list.whois_emails = response_string_list(*root, "", "whois_emails", kMaxEligiblePerList);
        list.dns_txt_emails =
            response_string_list(*root, "", "dns_txt_emails", kMaxEligiblePerList);
        if (!root->has("base_emails") && !root->has("whois_emails") &&
            !root->has("dns_txt_emails")) {
            return std::string("the body has none of base_emails, whois_emails and dns_txt_emails");
        }
        return list;
    } catch (const ResponseInvalid& e) {
        return e.msg;
    }
}

RecipientReport report_recipients(const std::vector<std::string>& requested,
                                  const DcvEmailList& list) {
    RecipientReport report;
    report.requested = requested;
    append_new(report.eligible, list.base_emails);
    append_new(report.eligible, list.whois_emails);
    append_new(report.eligible, list.dns_txt_emails);
    for (const std::string& address : requested) {
        if (contains_address(report.eligible, address)) {
            if (!contains_address(report.will_mail, address)) {
                report.will_mail.push_back(address);
            }
        } else if (!contains_address(report.ignored, address)) {
            report.ignored.push_back(address);
        }
    }
    if (report.will_mail.empty()) {
        report.will_mail = report.eligible;
    }
    return report;
}

std::string recipient_warning(const RecipientReport& report) {
    if (report.ignored.empty()) {
        return "";
    }
    if (report.ignored.size() == report.requested.size()) {
        return "none of the requested addresses is eligible, so DigiCert ignores " +
               address_list(report.ignored) + " and mails all " +
               count_of(report.eligible.size(), "eligible address", "eligible addresses") +
               " instead (" + address_list(report.eligible) + ")";
    }
    return "DigiCert ignores " +
           count_of(report.ignored.size(), "requested address", "requested addresses") + " that " +
           (report.ignored.size() == 1 ? "is" : "are") + " not eligible (" +
           address_list(report.ignored) + ") and mails " + address_list(report.will_mail);
}

std::string address_list(const std::vector<std::string>& addresses, std::size_t max_items) {
    if (addresses.empty()) {
        return "none";
    }
    std::string out;
    for (std::size_t i = 0; i < addresses.size() && i < max_items; ++i) {
        out += (i == 0 ? "" : ", ") + printable_excerpt(addresses[i], 254);
    }
    if (addresses.size() > max_items) {
        out += " and " + std::to_string(addresses.size() - max_items) + " more";
    }
    return out;
}

}  // namespace digicert_dcv
