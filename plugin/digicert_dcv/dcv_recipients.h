// Who DigiCert will really mail. DigiCert silently ignores every requested address that is not
// eligible for the domain (constructed admin@-style addresses, WHOIS and DNS TXT contacts), and
// mails every eligible address when none of the requested ones is: the 204 of the resend does
// not say. GET {base}/domain/{id}/dcv/emails lists the eligible addresses; this parses that
// answer (with limits) and splits the requested addresses against it.
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
    std::string name_scope;
    std::vector<std::string> base_emails;
    std::vector<std::string> whois_emails;
    std::vector<std::string> dns_txt_emails;
};

std::variant<DcvEmailList, std::string> parse_dcv_email_list(std::string_view body);

// Addresses compare ignoring ASCII case, as DigiCert compares them.
struct RecipientReport {
    std::vector<std::string> requested;
    std::vector<std::string> eligible;   // base + whois + dns_txt, each once, in that order
    std::vector<std::string> will_mail;  // requested ones that are eligible, else all eligible
    std::vector<std::string> ignored;    // requested ones DigiCert will drop without a word
};

RecipientReport report_recipients(const std::vector<std::string>& requested,
                                  const DcvEmailList& list);

// A warning for the outcome's msg when some or all requested addresses are ignored; "" when
// none is.
std::string recipient_warning(const RecipientReport& report);

// "a@x, b@x" for messages (each address sanitised, at most `max_items` then "and N more").
std::string address_list(const std::vector<std::string>& addresses, std::size_t max_items = 10);

}  // namespace digicert_dcv
