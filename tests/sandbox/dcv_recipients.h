// Whom DigiCert mails for an email DCV resend. Eligible: the five constructed addresses for the
// resend's scope and the domain's DNS TXT contacts, each kind only when the account's DCV email
// preferences allow it. WHOIS contacts are never eligible: DigiCert ended WHOIS-based email DCV
// on 2025-05-08. Requested addresses outside the eligible set are ignored silently; when none of
// the requested ones (or none at all) is eligible, every eligible address is mailed.
#pragma once

#include <string>
#include <vector>

#include "sandbox_domain.h"

namespace sandbox {

// admin@, administrator@, webmaster@, hostmaster@, postmaster@ + scope, in that order.
std::vector<std::string> constructed_emails(const std::string& scope);

// constructed_emails(scope) when preferences.constructed, then dns_txt_emails when
// preferences.dns_txt, without duplicates (compared case-insensitively). The DNS TXT contacts
// are the domain's whatever the scope: DigiCert does not say whether a subdomain scope has its
// own (the sandbox's guess).
std::vector<std::string> eligible_emails(const std::vector<std::string>& dns_txt_emails,
                                         const std::string& scope,
                                         const DcvEmailPreferences& preferences);

// The requested addresses that are eligible (as requested, compared case-insensitively, each
// once); or every eligible address when that leaves nothing. With both preferences off nothing
// is eligible and nothing is mailed: what DigiCert does then is not documented (a guess).
std::vector<std::string> mailed_emails(const std::vector<std::string>& requested,
                                       const std::vector<std::string>& eligible);

}  // namespace sandbox
