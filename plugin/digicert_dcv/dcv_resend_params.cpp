#include "dcv_resend_params.h"

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <cctype>
#include <limits>

#include "dcv_validity.h"
#include "printable_text.h"
#include "spec_field_rules.h"
#include "spec_json_reader.h"

namespace digicert_dcv {
namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

std::string lower_ascii(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

std::vector<std::string> parse_email_array(const Var& value, const std::string& field) {
    if (value.type() != typeid(Array::Ptr)) {
        invalid(field,
                std::string("must be an array of e-mail addresses, got ") + json_type_name(value));
    }
    const Array::Ptr array = value.extract<Array::Ptr>();
    if (array->size() > kMaxEmails) {
        invalid(field, "has " + std::to_string(array->size()) + " addresses; the limit is " +
                           std::to_string(kMaxEmails));
    }
    std::vector<std::string> emails;
    for (std::size_t i = 0; i < array->size(); ++i) {
        const Var item = array->get(static_cast<unsigned>(i));
        const std::string item_field = field + "[" + std::to_string(i) + "]";
        if (!item.isString()) {
            invalid(item_field, std::string("must be a string, got ") + json_type_name(item));
        }
        const std::string address = item.extract<std::string>();
        if (const auto problem = email_problem(address)) {
            invalid(item_field, quoted_excerpt(address) + " " + *problem);
        }
        // The schema says uniqueItems, and DigiCert compares addresses case-insensitively: a
        // repeat is a mistake to point at, not something to send twice.
        for (std::size_t j = 0; j < emails.size(); ++j) {
            if (lower_ascii(emails[j]) == lower_ascii(address)) {
                invalid(item_field, quoted_excerpt(address) + " repeats " + field + "[" +
                                        std::to_string(j) +
                                        "] (addresses compare case-insensitively); list each "
                                        "address once");
            }
        }
        emails.push_back(address);
    }
    return emails;
}

void read_domain(const Object& params, DcvResendParams& out) {
    const std::string path = "params";
    out.domain_id =
        optional_integer(params, path, "domain_id", 1, std::numeric_limits<int64_t>::max());
    out.domain = optional_string(params, path, "domain", kMaxFqdnLength + 64);
    if (out.domain_id && out.domain) {
        invalid("params.domain",
                "and params.domain_id are both given; give exactly one: the numeric domain_id, "
                "or the domain's name to look up");
    }
    if (!out.domain_id && !out.domain) {
        invalid("params.domain_id",
                "is required: the numeric id of the domain in CertCentral, e.g. 1234567 (or give "
                "params.domain, the domain's name, e.g. example.com, to look the id up)");
    }
    if (out.domain) {
        // DNS names are case-insensitive and the lookup matches without case, so any case is
        // accepted here and shown lower-cased.
        out.domain = lower_ascii(*out.domain);
        if (const auto problem = fqdn_problem(*out.domain)) {
            invalid("params.domain", quoted_excerpt(*out.domain) + " " + *problem);
        }
    }
}

void read_preflight_switches(const Object& params, DcvResendParams& out) {
    const std::string path = "params";
    const auto skip = optional_bool(params, path, "skip_if_validated");
    if (const auto window = optional_string(params, path, "revalidate_within", 16)) {
        out.revalidate_within = parse_duration(*window, kMaxRevalidateWithin);
        if (!out.revalidate_within) {
            invalid("params.revalidate_within",
                    quoted_excerpt(*window) +
                        " is not a duration; write a number and a unit (s, m, h, d), e.g. "
                        "\"30d\", at most 800d");
        }
        if (skip == false) {
            invalid("params.skip_if_validated",
                    "is false, but params.revalidate_within needs the DCV state check it "
                    "switches on; drop skip_if_validated (revalidate_within implies it)");
        }
    }
    out.skip_if_validated = skip.value_or(out.revalidate_within.has_value());
    out.strict_recipients = optional_bool(params, path, "strict_recipients").value_or(false);
    const auto check = optional_bool(params, path, "check_recipients");
    if (check == false && out.strict_recipients) {
        invalid("params.strict_recipients",
                "needs the recipient check, but params.check_recipients is false; drop one of "
                "the two");
    }
    // Only a check tells the user which of their addresses DigiCert will ignore: on whenever
    // they named addresses (or asked to be strict about them), unless they turned it off.
    out.check_recipients = check.value_or(out.email_array.has_value() || out.strict_recipients);
}

}  // namespace

DcvResendParams parse_dcv_resend_params(const Object& params) {
    const std::string path = "params";
    reject_unknown_fields(
        params, path,
        {"domain_id", "name_scope", "locale", "email_array", "domain", "skip_if_validated",
         "revalidate_within", "check_recipients", "strict_recipients"});
    DcvResendParams out;
    read_domain(params, out);
    out.name_scope = optional_string(params, path, "name_scope", kMaxFqdnLength + 64);
    if (out.name_scope) {
        if (const auto problem = fqdn_problem(*out.name_scope)) {
            invalid("params.name_scope", quoted_excerpt(*out.name_scope) + " " + *problem);
        }
    }
    out.locale = optional_string(params, path, "locale", 16);
    if (out.locale) {
        if (const auto problem = locale_problem(*out.locale)) {
            invalid("params.locale", quoted_excerpt(*out.locale) + " " + *problem);
        }
    }
    if (const Var emails = params.get("email_array"); !emails.isEmpty()) {
        out.email_array = parse_email_array(emails, "params.email_array");
    }
    read_preflight_switches(params, out);
    return out;
}

}  // namespace digicert_dcv
