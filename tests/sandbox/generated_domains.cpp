#include "generated_domains.h"

#include <cstdio>
#include <limits>
#include <stdexcept>
#include <unordered_set>

namespace sandbox {
namespace {

using Clock = std::chrono::system_clock;

DomainValidation ov_active(Clock::time_point start, int days) {
    return DomainValidation{"ov", "active", start + std::chrono::hours(24 * days)};
}

// The state for i % 10, as the table in generated_domains.h says.
void set_state(SandboxDomain& domain, size_t kind, Clock::time_point start) {
    std::vector<DomainValidation> validations;
    switch (kind) {
        case 0:
            validations.push_back(DomainValidation{"ov", "pending", std::nullopt});
            break;
        case 1:
            validations.push_back(ov_active(start, 10));
            break;
        case 2:
            validations.push_back(ov_active(start, 25));
            break;
        case 3:
            validations.push_back(ov_active(start, 300));
            validations.push_back(DomainValidation{"ev", "pending", std::nullopt});
            break;
        case 4:
            domain.is_active = false;
            validations.push_back(ov_active(start, 300));
            break;
        default:
            validations.push_back(ov_active(start, 200));
            break;
    }
    domain.validations = std::move(validations);
}

}  // namespace

std::vector<SandboxDomain> generate_domains(const DomainGenerator& generator,
                                            Clock::time_point start) {
    if (generator.count > kMaxGeneratedDomains) {
        throw std::invalid_argument("generate.count is " + std::to_string(generator.count) +
                                    "; the limit is " + std::to_string(kMaxGeneratedDomains));
    }
    if (generator.first_id <= 0 ||
        generator.first_id >
            std::numeric_limits<int64_t>::max() - static_cast<int64_t>(kMaxGeneratedDomains)) {
        throw std::invalid_argument("generate.first_id must be a positive integer below 2^63 - " +
                                    std::to_string(kMaxGeneratedDomains));
    }
    std::vector<SandboxDomain> domains;
    domains.reserve(generator.count);
    for (size_t i = 0; i < generator.count; ++i) {
        char label[32];
        std::snprintf(label, sizeof label, "d%05zu.", i);
        SandboxDomain domain(generator.first_id + static_cast<int64_t>(i),
                             label + generator.suffix);
        set_state(domain, i % 10, start);
        domains.push_back(std::move(domain));
    }
    return domains;
}

void add_generated_domains(std::vector<SandboxDomain>& domains, const DomainGenerator& generator,
                           Clock::time_point start) {
    std::vector<SandboxDomain> generated = generate_domains(generator, start);
    std::unordered_set<int64_t> ids;
    for (const SandboxDomain& domain : domains) {
        ids.insert(domain.id);
    }
    for (const SandboxDomain& domain : generated) {
        if (ids.count(domain.id) != 0) {
            throw std::invalid_argument(
                "generate: generated id " + std::to_string(domain.id) + " (" + domain.name +
                ") is already a listed domain's id; move first_id past the listed ids");
        }
    }
    domains.insert(domains.end(), std::make_move_iterator(generated.begin()),
                   std::make_move_iterator(generated.end()));
}

}  // namespace sandbox
