#include "domain_query.h"

#include <Poco/String.h>

#include <algorithm>
#include <limits>

namespace sandbox {
namespace {

// A non-negative decimal integer, saturated at SIZE_MAX; unset when it is anything else.
std::optional<size_t> non_negative(const std::string& text) {
    if (text.empty() ||
        !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
    }
    size_t value = 0;
    for (const char c : text) {
        const auto digit = static_cast<size_t>(c - '0');
        if (value > (std::numeric_limits<size_t>::max() - digit) / 10) {
            return std::numeric_limits<size_t>::max();
        }
        value = value * 10 + digit;
    }
    return value;
}

SandboxResponse invalid_number(const std::string& name, const std::string& value) {
    // DigiCert does not document this error: the code and the message are the sandbox's guess.
    return error_response(400, "invalid_param",
                          name + " must be a non-negative integer (got '" + value.substr(0, 40) +
                              "'). [sandbox guess: CertCentral's answer here is undocumented]");
}

}  // namespace

bool query_flag(const QueryParameters& query, const std::string& name) {
    const auto it = query.find(name);
    return it != query.end() && (Poco::icompare(it->second, "true") == 0 || it->second == "1");
}

DomainDetail parse_domain_detail(const QueryParameters& query) {
    DomainDetail detail;
    detail.include_dcv = query_flag(query, "include_dcv");
    detail.include_validation = query_flag(query, "include_validation");
    detail.dcv_expiration_time = query_flag(query, "include_dcv_expiration_time");
    return detail;
}

std::variant<DomainListQuery, SandboxResponse> parse_domain_list_query(
    const QueryParameters& query) {
    DomainListQuery list;
    list.detail = parse_domain_detail(query);
    // Brackets arrive raw or percent-encoded; Poco::URI has decoded both to the same name.
    if (const auto search = query.find("filters[search]"); search != query.end()) {
        const std::string& value = search->second;
        // An empty search lists everything: DigiCert does not say (the sandbox's guess).
        if (!value.empty() && value[0] == '%') {
            list.search = DomainListQuery::Search::kSubstring;
            list.needle = Poco::toLower(value.substr(1));
        } else if (!value.empty()) {
            list.search = DomainListQuery::Search::kExact;
            list.needle = Poco::toLower(value);
        }
    }
    // filters[status] filters on is_active. DigiCert names the filter but the sandbox guesses
    // its values (active, inactive) and ignores any other value rather than refusing it.
    if (const auto status = query.find("filters[status]"); status != query.end()) {
        if (Poco::icompare(status->second, "active") == 0) {
            list.active = true;
        } else if (Poco::icompare(status->second, "inactive") == 0) {
            list.active = false;
        }
    }
    const std::pair<std::string, size_t*> numbers[] = {{"limit", &list.limit},
                                                       {"offset", &list.offset}};
    for (const auto& [name, target] : numbers) {
        if (const auto it = query.find(name); it != query.end()) {
            const std::optional<size_t> value = non_negative(it->second);
            if (!value) {
                return invalid_number(name, it->second);
            }
            *target = *value;
        }
    }
    // A limit over the maximum is clamped rather than refused: the sandbox's guess.
    list.limit = std::min(list.limit, kMaxListLimit);
    return list;
}

}  // namespace sandbox
