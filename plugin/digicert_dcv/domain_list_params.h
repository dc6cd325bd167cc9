// The params of digicert.domain.list, validated: which domains of the account to list. The name
// filters go to CertCentral (filters[search], documented as exact, or a substring with a
// leading %); the state filters are applied here to each listed domain's DCV state, judged per
// validation type (dcv_validity.h). Every filter given must hold (they AND together).
#pragma once

#include <Poco/JSON/Object.h>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "connection_settings.h"

namespace digicert_dcv {

inline constexpr std::string_view kDomainListTaskName = "digicert.domain.list";
inline constexpr std::size_t kMaxListPageSize = 1000;  // CertCentral's largest page
inline constexpr std::size_t kMaxListPages = 200;      // 200,000 domains at 1000 a page
inline constexpr std::size_t kDefaultMaxItems = 4000;
// The host takes outcomes of up to 1 MiB: the items stop before this many bytes of JSON.
inline constexpr std::size_t kMaxListingBytes = 900 * 1024;
inline constexpr std::size_t kMaxSearchLength = 253;

struct DomainListParams {
    std::optional<std::string> name;    // exact name (filters[search]=NAME)
    std::optional<std::string> search;  // substring (filters[search]=%25TEXT)
    std::optional<bool> active;         // is_active as DigiCert says
    std::optional<bool> pending;        // some validation is pending, expired or missing
    std::optional<std::chrono::seconds> expiring_within;  // an active one expires this soon
    std::optional<std::chrono::seconds> due_within;       // what revalidate_within would resend
    std::optional<std::string> validation_type;           // judge only this type ("ov", "ev")
    std::size_t page_size = kMaxListPageSize;
    std::size_t max_items = kDefaultMaxItems;
};

// The whole spec of a listing (dry_run is accepted and changes nothing: it only reads).
struct DomainListSpec {
    std::optional<std::string> id;
    DomainListParams params;
    ConnectionSettings connection;
};

// Throws SpecInvalid (spec_json_reader.h) naming the field.
DomainListParams parse_domain_list_params(const Poco::JSON::Object& params);

// The filters as given, for the outcome and its msg ("pending=true, due_within=30d").
std::string describe_filters(const DomainListParams& params);

}  // namespace digicert_dcv
