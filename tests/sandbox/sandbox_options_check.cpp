#include "sandbox_options_check.h"

#include <set>
#include <stdexcept>

namespace sandbox {
namespace {

[[noreturn]] void reject(const std::string& field, const std::string& problem) {
    throw std::invalid_argument("SandboxOptions." + field + ": " + problem);
}

void check_window(const RateWindow& window, const std::string& field) {
    if (window.requests < 0) {
        reject(field + ".requests", "must be >= 0 (0 turns the window off)");
    }
    if (window.requests > 0 && window.per.count() <= 0) {
        reject(field + ".per", "must be positive when requests > 0");
    }
}

void check_validations(const std::vector<DomainValidation>& validations, const std::string& field) {
    std::set<std::string> types;
    for (size_t i = 0; i < validations.size(); ++i) {
        const DomainValidation& validation = validations[i];
        const std::string item = field + "[" + std::to_string(i) + "]";
        if (validation.type != "ov" && validation.type != "ev") {
            reject(item + ".type", "must be \"ov\" or \"ev\"");
        }
        if (!types.insert(validation.type).second) {
            reject(item + ".type", "repeats \"" + validation.type + "\"; one validation per type");
        }
        if (validation.status != "active" && validation.status != "pending") {
            reject(item + ".status", "must be \"active\" or \"pending\"");
        }
        if (validation.status == "active" && !validation.validated_until) {
            reject(item + ".validated_until", "is unset; an active validation needs one");
        }
    }
}

}  // namespace

void check_options(const SandboxOptions& options) {
    if (options.bind_host.empty()) {
        reject("bind_host", "is empty; use \"127.0.0.1\"");
    }
    const std::string& base = options.base_path;
    if (base.empty() || base.front() != '/' || base.back() == '/' ||
        base.find_first_of("?# ") != std::string::npos) {
        reject("base_path", "must start with '/' and not end with one, e.g. \"/services/v2\"");
    }
    check_window(options.short_window, "short_window");
    check_window(options.long_window, "long_window");
    if (options.lockout.count() < 0) {
        reject("lockout", "must be >= 0");
    }
    if (options.retry_after_seconds && *options.retry_after_seconds < 0) {
        reject("retry_after_seconds", "must be >= 0, or unset to send no Retry-After");
    }
    if (options.max_recorded_requests == 0) {
        reject("max_recorded_requests", "must be at least 1");
    }
    std::set<std::string> keys;
    for (size_t i = 0; i < options.keys.size(); ++i) {
        const SandboxKey& key = options.keys[i];
        const std::string field = "keys[" + std::to_string(i) + "]";
        if (key.key.empty()) {
            reject(field + ".key", "is empty; give the API key clients will send");
        }
        if (key.role != "manager" && key.role != "view_only") {
            reject(field + ".role", "must be \"manager\" or \"view_only\"");
        }
        if (!keys.insert(key.key).second) {
            reject(field + ".key", "repeats an earlier key; each key needs one role");
        }
    }
    std::set<int64_t> ids;
    for (size_t i = 0; i < options.domains.size(); ++i) {
        const SandboxDomain& domain = options.domains[i];
        const std::string field = "domains[" + std::to_string(i) + "]";
        if (domain.id <= 0) {
            reject(field + ".id", "must be a positive integer");
        }
        if (domain.name.empty()) {
            reject(field + ".name", "is empty; give a domain name such as \"example.com\"");
        }
        if (!ids.insert(domain.id).second) {
            reject(field + ".id", "repeats id " + std::to_string(domain.id));
        }
        if (domain.validations) {
            check_validations(*domain.validations, field + ".validations");
        }
    }
}

}  // namespace sandbox
