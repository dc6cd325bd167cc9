// The account's domains as the domain endpoints see them: resolved once at start, ordered by id
// (the list's order), with an index of lower-case names so that an exact search, the common
// case, does not scan the account. A list page costs one pass at most, never a pass per domain.
// Immutable after construction: every connection thread reads it without locking.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain_query.h"
#include "served_domain.h"

namespace sandbox {

struct DomainPage {
    std::vector<const ServedDomain*> domains;  // ascending id, at most `limit`
    size_t total = 0;                          // every match, before offset and limit
};

class AccountDomains {
  public:
    AccountDomains(const std::vector<SandboxDomain>& domains,
                   std::chrono::system_clock::time_point start);
    AccountDomains(const AccountDomains&) = delete;  // the name index points into by_id_
    AccountDomains& operator=(const AccountDomains&) = delete;

    const ServedDomain* find(int64_t id) const;  // nullptr when there is none
    DomainPage list(const DomainListQuery& query) const;

  private:
    std::map<int64_t, ServedDomain> by_id_;
    std::unordered_map<std::string, std::vector<const ServedDomain*>> by_name_;  // ascending id
};

}  // namespace sandbox
