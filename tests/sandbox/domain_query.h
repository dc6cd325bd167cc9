// The query parameters of CertCentral's read-only domain endpoints, checked: what
// GET /domain/{id} and GET /domain include, and which page of which domains GET /domain lists.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <variant>

#include "certcentral_response.h"

namespace sandbox {

using QueryParameters = std::map<std::string, std::string>;  // decoded names and values

// true for "true" (any case) and "1"; anything else, or absent, is false.
bool query_flag(const QueryParameters& query, const std::string& name);

// What a domain object in an answer carries beyond id, name, is_active, is_pending_validation.
struct DomainDetail {
    bool include_dcv = false;          // dcv_method, dcv_expiration{ov,ev}, ...
    bool include_validation = false;   // validations[]
    bool dcv_expiration_time = false;  // dcv_expiration as ISO UTC instead of Mountain dates
};

DomainDetail parse_domain_detail(const QueryParameters& query);

constexpr size_t kMaxListLimit = 1000;  // CertCentral's documented page size and maximum

struct DomainListQuery {
    // filters[search]: absent or "" lists all; "NAME" is an exact, ASCII case-insensitive match;
    // "%NAME" (sent as %25NAME) a case-insensitive substring match.
    enum class Search { kAll, kExact, kSubstring } search = Search::kAll;
    std::string needle;          // lower-case, without the leading '%'
    std::optional<bool> active;  // filters[status]: active -> true, inactive -> false
    size_t limit = kMaxListLimit;
    size_t offset = 0;
    DomainDetail detail;
};

// The query, or the 400 answer for a limit or offset that is not a non-negative integer.
std::variant<DomainListQuery, SandboxResponse> parse_domain_list_query(
    const QueryParameters& query);

}  // namespace sandbox
