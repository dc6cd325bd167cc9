// CertCentral's JSON for the read-only domain endpoints.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "sandbox_server.h"

namespace sandbox {

// GET /domain/{id}: DCV fields only with include_dcv, validations[] only with
// include_validation, as CertCentral documents those flags. A validated domain was approved a
// day before `started` and stays valid for 397 days after it (CertCentral's OV reuse period).
std::string domain_info_json(const SandboxDomain& domain, bool include_dcv, bool include_validation,
                             std::chrono::system_clock::time_point started);

// GET /domain/{id}/dcv/emails
std::string dcv_emails_json(const SandboxDomain& domain, const std::string& scope);

// GET /domain?filters[search]=: `page` holds the number of matches before `limit` applied.
std::string domain_list_json(const std::vector<const SandboxDomain*>& page, size_t total,
                             size_t limit);

}  // namespace sandbox
