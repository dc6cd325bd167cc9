// Generated accounts for scale tests: many domains in a fixed, documented mix of DCV states, so
// a test can compute the expected counts without listing them.
//
// Domain i (0-based, i < count) is named "d<i as 5 digits>.<suffix>" (d00000.fleet.example) and
// has id first_id + i. Its state depends on i % 10 (days count from the sandbox's start):
//   0     OV pending, never validated                     (is_pending_validation true)
//   1     OV active, validated until 10 days after start
//   2     OV active, validated until 25 days after start
//   3     OV active for 300 days, EV pending              (is_pending_validation true)
//   4     inactive (is_active false), OV active for 300 days
//   5..9  OV active for 200 days
// So of 2500 domains: 250 each in states 0 to 4, and 1250 in states 5..9. No WHOIS or DNS TXT
// contacts. Fixture: "generate": {"count": N, "first_id": 5000000, "suffix": "fleet.example"};
// CLI: --generate-domains N (the defaults for first_id and suffix).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sandbox_domain.h"

namespace sandbox {

constexpr size_t kMaxGeneratedDomains = 100000;

struct DomainGenerator {
    size_t count = 0;  // at most kMaxGeneratedDomains
    int64_t first_id = 5000000;
    std::string suffix = "fleet.example";
};

// Throws std::invalid_argument when count is over the limit or ids would overflow.
std::vector<SandboxDomain> generate_domains(const DomainGenerator& generator,
                                            std::chrono::system_clock::time_point start);

// Appends generate_domains(...) to `domains`. Throws std::invalid_argument naming the first
// generated id that an existing domain already has.
void add_generated_domains(std::vector<SandboxDomain>& domains, const DomainGenerator& generator,
                           std::chrono::system_clock::time_point start);

}  // namespace sandbox
