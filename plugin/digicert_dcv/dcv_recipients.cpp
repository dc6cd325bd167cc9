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

// WHOIS contacts are listed for history but never mailed: say why, since users expect them.
std::string whois_note(const RecipientReport& report) {
    if (report.whois.empty()) {
        return "";
    }
    return address_list(report.whois) +
           (report.whois.size() == 1 ? " is a WHOIS contact" : " are WHOIS contacts") +
           ", no longer eligible since DigiCert ended WHOIS-based DCV on 2025-05-08";
}

std::string in_parentheses(const std::string& text) {
    return text.empty() ? "" : " (" + text + ")";
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
                                  const DcvEmailList& list, const std::string& resend_scope) {
    RecipientReport report;
    report.requested = requested;
    report.listed_scope = list.name_scope;
    report.resend_scope = resend_scope.empty() ? list.name_scope : resend_scope;
    // No name_scope in the resend: DigiCert uses the domain's own, which is what it listed.
    report.split_known =
        resend_scope.empty() ||
        (!list.name_scope.empty() && Poco::icompare(list.name_scope, resend_scope) == 0);
    append_new(report.eligible, list.base_emails);
    append_new(report.eligible, list.dns_txt_emails);
    for (const std::string& address : requested) {
        const bool eligible = contains_address(report.eligible, address);
        const bool whois = !eligible && contains_address(list.whois_emails, address);
        if (whois && !contains_address(report.whois, address)) {
            report.whois.push_back(address);
        }
        std::vector<std::string>& bucket = eligible && report.split_known ? report.will_mail
                                           : report.split_known || whois  ? report.ignored
                                                                          : report.unknown;
        if (!contains_address(bucket, address)) {
            bucket.push_back(address);
        }
    }
    if (report.split_known && report.will_mail.empty()) {
        report.will_mail = report.eligible;
        report.all_eligible_mailed = true;
    }
    return report;
}

std::string recipient_warning(const RecipientReport& report) {
    std::string out;
    if (!report.split_known) {
        out = "which addresses DigiCert mails for " + printable_excerpt(report.resend_scope, 253) +
              " is unknown: it listed the addresses of " +
              (report.listed_scope.empty() ? std::string("another scope")
                                           : printable_excerpt(report.listed_scope, 253)) +
              " (its address list takes no name_scope); it mails the requested addresses "
              "eligible for " +
              printable_excerpt(report.resend_scope, 253) + ", or every eligible one if none is";
    } else if (report.all_eligible_mailed && !report.requested.empty()) {
        return "none of the requested addresses is eligible, so DigiCert ignores " +
               address_list(report.ignored) + in_parentheses(whois_note(report)) +
               " and mails all " +
               count_of(report.eligible.size(), "eligible address", "eligible addresses") +
               " instead (" + address_list(report.eligible) + ")";
    } else if (!report.ignored.empty()) {
        return "DigiCert ignores " +
               count_of(report.ignored.size(), "requested address", "requested addresses") +
               " that " + (report.ignored.size() == 1 ? "is" : "are") + " not eligible (" +
               address_list(report.ignored) + (report.whois.empty() ? "" : "; ") +
               whois_note(report) + ") and mails " + address_list(report.will_mail);
    }
    if (!report.split_known && !report.whois.empty()) {
        out += "; " + whois_note(report) + ", so DigiCert ignores " +
               (report.whois.size() == 1 ? "it" : "them");
    }
    return out;
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
