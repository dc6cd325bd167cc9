#include "served_domain.h"

#include <algorithm>

namespace sandbox {
namespace {

using Clock = std::chrono::system_clock;
using Days = std::chrono::duration<int64_t, std::ratio<86400>>;

std::vector<DomainValidation> validations_of(const SandboxDomain& domain, Clock::time_point start) {
    if (domain.validations) {
        std::vector<DomainValidation> ordered = *domain.validations;
        std::stable_sort(ordered.begin(), ordered.end(),
                         [](const DomainValidation& a, const DomainValidation& b) {
                             return a.type == "ov" && b.type != "ov";
                         });
        return ordered;
    }
    if (domain.validated) {
        const auto until = start + Days(397);
        return {DomainValidation{"ov", "active", until}, DomainValidation{"ev", "active", until}};
    }
    return {DomainValidation{"ov", "pending", std::nullopt}};
}

}  // namespace

ServedDomain serve_domain(const SandboxDomain& domain, Clock::time_point start) {
    ServedDomain served;
    served.id = domain.id;
    served.name = domain.name;
    served.is_active = domain.is_active;
    served.validations = validations_of(domain, start);
    served.whois_emails = domain.whois_emails;
    served.dns_txt_emails = domain.dns_txt_emails;
    const bool any_pending =
        std::any_of(served.validations.begin(), served.validations.end(),
                    [](const DomainValidation& v) { return v.status == "pending"; });
    served.is_pending_validation = domain.is_pending_validation.value_or(any_pending);
    for (const DomainValidation& validation : served.validations) {
        if (validation.validated_until &&
            (!served.dcv_expires_at || *validation.validated_until < *served.dcv_expires_at)) {
            served.dcv_expires_at = validation.validated_until;
        }
    }
    if (served.dcv_expires_at) {
        // DigiCert documents neither field's rule. The sandbox's guesses: the expiration is the
        // earliest validated_until, and the approval came 398 days before it (so the shorthand's
        // "a day before start, valid 397 days after"), but never later than a day before start.
        served.dcv_approved_at = std::min(*served.dcv_expires_at - Days(398), start - Days(1));
    }
    return served;
}

}  // namespace sandbox
