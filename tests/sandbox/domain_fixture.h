// The sandbox's fixture file: the account's domains and settings, written by a person.
//
//   {
//     "account": {"dcv_email_preferences": {"constructed": true, "dns_txt": false}},
//     "generate": {"count": 2500, "first_id": 5000000, "suffix": "fleet.example"},
//     "domains": [
//       {"id": 1234567, "name": "example.com", "validated": false},
//       {"id": 4567890, "name": "quirk.example.com", "is_active": true,
//        "validations": {"ov": {"status": "active", "expires_in_days": 300},
//                        "ev": {"status": "pending"}},
//        "is_pending_validation": true,
//        "whois_emails": ["registrant@example.net"], "dns_txt_emails": ["dcv@example.net"]}
//     ]
//   }
//
// Every key is optional but "domains" (which may be omitted when "generate" is given).
// - "validated": the shorthand (see SandboxDomain); true = OV and EV active for 397 days after
//   start, false = OV pending. "validations" instead gives each type ("ov", "ev") a "status"
//   ("active" needs "expires_in_days"; "pending" may have one, a validation that lapsed) and
//   "expires_in_days", counted from the sandbox's start and negative for an expired one. A
//   domain may have one of "validated" and "validations", not both.
// - "is_pending_validation" overrides the default (true when any validation is pending).
// - "account.dcv_email_preferences": the shape is the sandbox's guess (see DcvEmailPreferences).
// - "generate": see generated_domains.h; first_id and suffix are optional.
// Limits: 1 MiB, 10000 listed domains, 100000 generated, 100 addresses per list.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "generated_domains.h"
#include "sandbox_domain.h"

namespace sandbox {

struct SandboxFixture {
    std::vector<SandboxDomain> domains;  // the listed ones in file order, then the generated
    std::optional<DcvEmailPreferences> dcv_email_preferences;  // "account", when given
    std::optional<DomainGenerator> generate;                   // "generate", when given
};

// Times count from `start` (pass the SandboxOptions::start_time you serve it with). Throws
// std::runtime_error("domain fixture FILE: FIELD: PROBLEM").
SandboxFixture load_sandbox_fixture(const std::string& path,
                                    std::chrono::system_clock::time_point start);

}  // namespace sandbox
