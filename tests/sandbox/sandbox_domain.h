// What the sandbox's account holds: its domains with their DCV validations, and the account's
// DCV email preferences. Plain data; the fixture loader and tests fill it, the server serves it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sandbox {

// One validation type of a domain, as GET /domain/{id}?include_validation=true reports it.
struct DomainValidation {
    std::string type;    // "ov" or "ev"
    std::string status;  // "active" or "pending": the only values DigiCert documents
    // When the validation lapses; unset when it was never validated (status "pending").
    // DigiCert documents no "expired" status: an expired validation is served as "active" with
    // a validated_until in the past (the sandbox's guess).
    std::optional<std::chrono::system_clock::time_point> validated_until;
};

struct SandboxDomain {
    SandboxDomain() = default;
    // The original five fields in their original order, so `{id, "name", false, {}, {}}` keeps
    // meaning what it always did.
    SandboxDomain(int64_t id_, std::string name_, bool validated_ = false,
                  std::vector<std::string> whois_emails_ = {},
                  std::vector<std::string> dns_txt_emails_ = {})
        : id(id_),
          name(std::move(name_)),
          validated(validated_),
          whois_emails(std::move(whois_emails_)),
          dns_txt_emails(std::move(dns_txt_emails_)) {}

    int64_t id = 0;
    std::string name;  // "example.com"
    // The shorthand, used while `validations` is unset. true: OV and EV active, approved a day
    // before the sandbox started and valid until 397 days after it (CertCentral's OV reuse
    // period). false: OV pending, never validated, no EV.
    bool validated = false;
    // Listed by GET .../dcv/emails as whois_emails, but never mailed: DigiCert ended WHOIS-based
    // email DCV on 2025-05-08.
    std::vector<std::string> whois_emails;
    std::vector<std::string> dns_txt_emails;  // approved contacts from the DNS TXT record
    bool is_active = true;
    // Set: exactly these (at most one per type), and `validated` is ignored.
    std::optional<std::vector<DomainValidation>> validations;
    // Unset: true when any validation is pending. Set it true to reproduce DigiCert's own
    // documented example: the flag true on a domain whose OV validation is active.
    std::optional<bool> is_pending_validation;
};

// The account's Settings > Preferences > Advanced Settings > "Send Verification DCV Emails to",
// which DigiCert applies to API resends too. DigiCert documents the setting but not its shape
// or its options: these two switches are the sandbox's guess.
struct DcvEmailPreferences {
    bool constructed = true;  // admin@, administrator@, webmaster@, hostmaster@, postmaster@
    bool dns_txt = true;      // the approved contacts in the domain's DNS TXT record
};

}  // namespace sandbox
