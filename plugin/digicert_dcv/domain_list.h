// CertCentral's answer to GET {base}/domain?filters[search]=NAME, parsed with limits, and the
// exact (case-insensitive) name matches in it. The search matches substrings, so
// "example.com" also lists "shop.example.com": only an exact match names the domain.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace digicert_dcv {

// A search can list many domains: this body may be larger than an ordinary answer.
inline constexpr std::size_t kMaxDomainListBody = 1024 * 1024;
inline constexpr std::size_t kMaxDomainListDepth = 16;
// CertCentral's largest page.
inline constexpr std::size_t kMaxDomainsListed = 1000;

struct ListedDomain {
    int64_t id = 0;
    std::string name;
};

struct DomainList {
    std::vector<ListedDomain> domains;
    std::optional<int64_t> total;  // page.total: every match, listed or not
};

// {"domains":[{"id":..,"name":..,...}],"page":{"total":..,...}}; the problem otherwise.
std::variant<DomainList, std::string> parse_domain_list(std::string_view body);

// The listed domains whose name equals `name` ignoring ASCII case, in listed order.
std::vector<ListedDomain> exact_name_matches(const DomainList& list, std::string_view name);

// True when page.total says more domains matched than were listed.
bool list_is_partial(const DomainList& list);

}  // namespace digicert_dcv
