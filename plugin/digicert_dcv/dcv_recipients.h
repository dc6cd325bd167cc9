// Who DigiCert will really mail. DigiCert silently ignores every requested address that is not
// eligible for the resend's scope (the constructed admin@-style addresses and the DNS TXT
// contacts; WHOIS contacts are not eligible since DigiCert ended WHOIS-based email DCV on
// 2025-05-08), and mails every eligible address when none of the requested ones is: the 204 of
// the resend does not say. GET {base}/domain/{id}/dcv/emails?consider_dcv_email_preferences=true
// lists the addresses for the domain's own scope under the account's DCV email preferences (it
// takes no name_scope); this parses that answer (with limits) and splits the requested
// addresses against it, or says the split is unknown when the resend uses another scope.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace digicert_dcv {

inline constexpr std::size_t kMaxDcvEmailListDepth = 8;
inline constexpr std::size_t kMaxEligiblePerList = 500;

struct DcvEmailList {
    std::string name_scope;                 // the scope the lists are for ("" when not said)
    std::vector<std::string> base_emails;   // constructed: admin@, webmaster@, ... + scope
    std::vector<std::string> whois_emails;  // legacy: listed, never eligible
    std::vector<std::string> dns_txt_emails;
};

std::variant<DcvEmailList, std::string> parse_dcv_email_list(std::string_view body);

// Addresses compare ignoring ASCII case, as DigiCert compares them.
struct RecipientReport {
    std::vector<std::string> requested;
    // Known: the listed scope is the one the resend uses. Unknown: DigiCert listed the addresses
    // of another scope (the resend's name_scope is a subdomain), so which requested ones it
    // mails cannot be told; will_mail is then empty and only WHOIS contacts count as ignored.
    bool split_known = true;
    std::string listed_scope;            // the answer's name_scope
    std::string resend_scope;            // params.name_scope, else the listed scope
    std::vector<std::string> eligible;   // base + dns_txt as listed, each once, in that order
    std::vector<std::string> will_mail;  // known: requested eligible ones, else all eligible
    std::vector<std::string> ignored;    // requested ones DigiCert drops without a word
    std::vector<std::string> whois;      // requested ones that are (only) WHOIS contacts
    std::vector<std::string> unknown;    // unknown split: requested ones not known ignored
    bool all_eligible_mailed = false;    // known, and no requested address is eligible
};

// `resend_scope`: the resend's name_scope, or "" when it sends none (the domain's own scope).
RecipientReport report_recipients(const std::vector<std::string>& requested,
                                  const DcvEmailList& list, const std::string& resend_scope);

// A warning for the outcome's msg when some or all requested addresses are ignored, or the
// split is unknown; "" otherwise.
std::string recipient_warning(const RecipientReport& report);

// "a@x, b@x" for messages (each address sanitised, at most `max_items` then "and N more").
std::string address_list(const std::vector<std::string>& addresses, std::size_t max_items = 10);

}  // namespace digicert_dcv
