// Who DigiCert mails for an email DCV: the five constructed addresses for the scope, plus the
// domain's WHOIS and DNS TXT contacts. Requested addresses outside that set are ignored
// silently; when none of the requested ones (or none at all) is eligible, all eligible
// addresses are mailed.
#pragma once

#include <string>
#include <vector>

#include "sandbox_server.h"

namespace sandbox {

// admin@, administrator@, webmaster@, hostmaster@, postmaster@ + scope, in that order.
std::vector<std::string> constructed_emails(const std::string& scope);

// constructed_emails(scope), then whois_emails, then dns_txt_emails, without duplicates.
std::vector<std::string> eligible_emails(const SandboxDomain& domain, const std::string& scope);

// The requested addresses that are eligible (as requested, compared case-insensitively, each
// once); or every eligible address when that leaves nothing.
std::vector<std::string> mailed_emails(const std::vector<std::string>& requested,
                                       const std::vector<std::string>& eligible);

}  // namespace sandbox
