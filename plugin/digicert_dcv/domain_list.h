// CertCentral's answer to GET {base}/domain (one page of the domain list, as a name lookup with
// filters[search]=NAME or a listing with include_dcv/include_validation), parsed with limits,
// and the exact (case-insensitive) name matches in it. The search is documented as exact (a
// leading % makes it a substring match), but the lookup still checks each name itself.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "domain_dcv_state.h"

namespace digicert_dcv {

// A page lists up to 1000 domains with their DCV state: far larger than an ordinary answer.
inline constexpr std::size_t kMaxDomainListBody = 8 * 1024 * 1024;
inline constexpr std::size_t kMaxDomainListDepth = 16;
// CertCentral's largest page.
inline constexpr std::size_t kMaxDomainsListed = 1000;

struct ListedDomain {
    int64_t id = 0;
    std::string name;
    DomainDcvState state;  // whatever DCV fields the page carried
};

struct DomainList {
    std::vector<ListedDomain> domains;
    std::optional<int64_t> total;  // page.total: every match, listed or not
    std::optional<int64_t> limit;  // page.limit and page.offset, as answered
    std::optional<int64_t> offset;
};

// {"domains":[{"id":..,"name":..,...}],"page":{"total":..,...}}; the problem otherwise.
std::variant<DomainList, std::string> parse_domain_list(std::string_view body);

// The listed domains whose name equals `name` ignoring ASCII case, in listed order.
std::vector<ListedDomain> exact_name_matches(const DomainList& list, std::string_view name);

// True when page.total says more domains matched than were listed.
bool list_is_partial(const DomainList& list);

}  // namespace digicert_dcv
