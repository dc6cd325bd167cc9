#include "account_domains.h"

#include <Poco/String.h>

namespace sandbox {
namespace {

bool matches(const ServedDomain& domain, const DomainListQuery& query) {
    if (query.active && domain.is_active != *query.active) {
        return false;
    }
    if (query.search == DomainListQuery::Search::kSubstring) {
        return Poco::toLower(domain.name).find(query.needle) != std::string::npos;
    }
    return true;  // kAll, and kExact (the candidates come from the name index)
}

// Counts every match and keeps those in [offset, offset + limit).
template <typename Range, typename Deref>
DomainPage collect(const Range& candidates, Deref deref, const DomainListQuery& query) {
    DomainPage page;
    for (const auto& candidate : candidates) {
        const ServedDomain& domain = deref(candidate);
        if (!matches(domain, query)) {
            continue;
        }
        if (page.total >= query.offset && page.domains.size() < query.limit) {
            page.domains.push_back(&domain);
        }
        ++page.total;
    }
    return page;
}

}  // namespace

AccountDomains::AccountDomains(const std::vector<SandboxDomain>& domains,
                               std::chrono::system_clock::time_point start) {
    for (const SandboxDomain& domain : domains) {
        by_id_.emplace(domain.id, serve_domain(domain, start));
    }
    for (const auto& [id, domain] : by_id_) {  // ascending id, so each name's list is too
        by_name_[Poco::toLower(domain.name)].push_back(&domain);
    }
}

const ServedDomain* AccountDomains::find(int64_t id) const {
    const auto it = by_id_.find(id);
    return it == by_id_.end() ? nullptr : &it->second;
}

DomainPage AccountDomains::list(const DomainListQuery& query) const {
    if (query.search == DomainListQuery::Search::kExact) {
        const auto it = by_name_.find(query.needle);
        if (it == by_name_.end()) {
            return DomainPage{};
        }
        return collect(
            it->second, [](const ServedDomain* domain) -> const ServedDomain& { return *domain; },
            query);
    }
    return collect(
        by_id_,
        [](const std::pair<const int64_t, ServedDomain>& entry) -> const ServedDomain& {
            return entry.second;
        },
        query);
}

}  // namespace sandbox
