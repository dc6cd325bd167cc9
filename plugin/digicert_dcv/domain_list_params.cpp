#include "domain_list_params.h"

#include <algorithm>
#include <cctype>

#include "dcv_validity.h"
#include "printable_text.h"
#include "spec_field_rules.h"
#include "spec_json_reader.h"

namespace digicert_dcv {
namespace {

// The window for "30d"; the field is named in the problem.
std::optional<std::chrono::seconds> read_window(const Poco::JSON::Object& params,
                                                const char* name) {
    const auto text = optional_string(params, "params", name, 16);
    if (!text) {
        return std::nullopt;
    }
    const auto window = parse_duration(*text, std::chrono::seconds(800 * 86400));
    if (!window) {
        invalid(join_path("params", name),
                quoted_excerpt(*text) +
                    " is not a duration; write a number and a unit (s, m, h, d), e.g. \"30d\", "
                    "at most 800d");
    }
    return window;
}

std::string lower_ascii(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

void read_names(const Poco::JSON::Object& params, DomainListParams& out) {
    out.name = optional_string(params, "params", "name", kMaxFqdnLength + 64);
    if (out.name) {
        out.name = lower_ascii(*out.name);
        if (const auto problem = fqdn_problem(*out.name)) {
            invalid("params.name", quoted_excerpt(*out.name) + " " + *problem);
        }
    }
    out.search = optional_string(params, "params", "search", kMaxSearchLength);
    if (out.search && out.name) {
        invalid("params.search",
                "and params.name are both given; name matches one domain exactly, search any "
                "domain whose name contains the text: give one");
    }
    if (out.search && out.search->find_first_of("%&#?+ /\\") != std::string::npos) {
        invalid("params.search", quoted_excerpt(*out.search) +
                                     " holds a character no domain name has; give part of a "
                                     "name, e.g. \"example\"");
    }
}

}  // namespace

DomainListParams parse_domain_list_params(const Poco::JSON::Object& params) {
    reject_unknown_fields(params, "params",
                          {"name", "search", "active", "pending", "expiring_within", "due_within",
                           "validation_type", "page_size", "max_items"});
    DomainListParams out;
    read_names(params, out);
    out.active = optional_bool(params, "params", "active");
    out.pending = optional_bool(params, "params", "pending");
    out.expiring_within = read_window(params, "expiring_within");
    out.due_within = read_window(params, "due_within");
    out.validation_type = optional_string(params, "params", "validation_type", 16);
    if (out.validation_type) {
        out.validation_type = lower_ascii(*out.validation_type);
        if (!std::all_of(out.validation_type->begin(), out.validation_type->end(),
                         [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; })) {
            invalid("params.validation_type",
                    quoted_excerpt(*out.validation_type) +
                        " is not a validation type; DigiCert's are like \"ov\" and \"ev\"");
        }
    }
    out.page_size = static_cast<std::size_t>(
        optional_integer(params, "params", "page_size", 1, kMaxListPageSize)
            .value_or(kMaxListPageSize));
    out.max_items = static_cast<std::size_t>(
        optional_integer(params, "params", "max_items", 1, 20000).value_or(kDefaultMaxItems));
    return out;
}

std::string describe_filters(const DomainListParams& params) {
    std::string out;
    const auto add = [&out](const std::string& text) { out += (out.empty() ? "" : ", ") + text; };
    const auto boolean = [](bool value) { return value ? std::string("true") : "false"; };
    if (params.name) {
        add("name=" + *params.name);
    }
    if (params.search) {
        add("search=" + printable_excerpt(*params.search, 64));
    }
    if (params.active) {
        add("active=" + boolean(*params.active));
    }
    if (params.pending) {
        add("pending=" + boolean(*params.pending));
    }
    if (params.expiring_within) {
        add("expiring_within=" + format_duration(*params.expiring_within));
    }
    if (params.due_within) {
        add("due_within=" + format_duration(*params.due_within));
    }
    if (params.validation_type) {
        add("validation_type=" + *params.validation_type);
    }
    return out;
}

}  // namespace digicert_dcv
