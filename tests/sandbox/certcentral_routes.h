// CertCentral's behaviour for the endpoints taskhost uses, for a request that got past the
// sandbox's faults and rate limits: authentication, routing, validation, and the answers.
// Immutable after construction, so every connection thread shares one.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "account_domains.h"
#include "certcentral_response.h"
#include "domain_query.h"
#include "sandbox_server.h"

namespace sandbox {

class CertCentralRoutes {
  public:
    CertCentralRoutes(std::string base_path, const std::vector<SandboxDomain>& domains,
                      std::vector<SandboxKey> keys, DcvEmailPreferences dcv_email_preferences,
                      std::chrono::system_clock::time_point started);

    // `accepted` is set when the answer is a 204 resend.
    SandboxResponse handle(const RecordedRequest& request,
                           std::optional<AcceptedResend>& accepted) const;

  private:
    struct Target {
        std::string path;                   // decoded, without the query
        std::vector<std::string> segments;  // path below base_path, split on '/'
        QueryParameters query;
    };

    std::optional<Target> parse_target(const std::string& target) const;
    const ServedDomain* find_domain(const std::string& id_text) const;

    SandboxResponse domain_list(const Target& target) const;
    SandboxResponse dcv_emails(const ServedDomain& domain, const Target& target) const;
    SandboxResponse resend(const RecordedRequest& request, const SandboxKey& key,
                           const std::string& id_text,
                           std::optional<AcceptedResend>& accepted) const;

    const std::string base_path_;
    const AccountDomains domains_;
    const std::vector<SandboxKey> keys_;
    const DcvEmailPreferences dcv_email_preferences_;
};

}  // namespace sandbox
