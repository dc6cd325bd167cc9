#include "describe.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <initializer_list>
#include <sstream>
#include <string>

#include "connection_settings.h"
#include "dcv_resend_spec.h"
#include "domain_list_params.h"
#include "request_pacer.h"
#include "spec_field_rules.h"
#include "taskhost/plugin.h"

namespace digicert_dcv {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

Object::Ptr ordered_object() {
    return new Object(Poco::JSON_PRESERVE_KEY_ORDER);
}

Array::Ptr string_array(std::initializer_list<const char*> items) {
    Array::Ptr out = new Array;
    for (const char* item : items) {
        out->add(std::string(item));
    }
    return out;
}

Object::Ptr boolean_param(bool default_value, const char* description) {
    Object::Ptr out = ordered_object();
    out->set("type", "boolean");
    out->set("default", default_value);
    out->set("description", description);
    return out;
}

Object::Ptr required_one(const char* name) {
    Object::Ptr out = ordered_object();
    out->set("required", string_array({name}));
    return out;
}

// {"type": "object", "properties", "oneOf": exactly one of `one` and `other`, nothing else}.
Object::Ptr closed_object_schema(const Object::Ptr& properties, const char* one,
                                 const char* other) {
    Array::Ptr one_of = new Array;
    one_of->add(required_one(one));
    one_of->add(required_one(other));
    Object::Ptr schema = ordered_object();
    schema->set("$schema", "https://json-schema.org/draft/2020-12/schema");
    schema->set("type", "object");
    schema->set("properties", properties);
    schema->set("oneOf", one_of);
    schema->set("additionalProperties", false);
    return schema;
}

Object::Ptr params_schema() {
    Object::Ptr domain_id = ordered_object();
    domain_id->set("type", "integer");
    domain_id->set("minimum", 1);
    domain_id->set("description",
                   "CertCentral domain id; give exactly one of domain_id and domain");

    Object::Ptr domain = ordered_object();
    domain->set("type", "string");
    domain->set("format", "hostname");
    domain->set("maxLength", static_cast<int>(kMaxFqdnLength));
    domain->set("description",
                "the domain's name as added to CertCentral (any case), resolved to its id with "
                "an exact match in the domain list (cached for 10 minutes); give exactly one of "
                "domain_id and domain");

    Object::Ptr name_scope = ordered_object();
    name_scope->set("type", "string");
    name_scope->set("format", "hostname");
    name_scope->set("maxLength", static_cast<int>(kMaxFqdnLength));
    name_scope->set("description", "FQDN the DCV is scoped to (no wildcard)");

    Object::Ptr locale = ordered_object();
    locale->set("type", "string");
    locale->set("pattern", "^[a-z]{2,3}([_-][A-Za-z]{2,4})?$");
    locale->set("description", "language of the email, e.g. en, de, ja, zh_CN");

    Object::Ptr email = ordered_object();
    email->set("type", "string");
    email->set("format", "email");
    email->set("maxLength", static_cast<int>(kMaxEmailLength));
    Object::Ptr email_array = ordered_object();
    email_array->set("type", "array");
    email_array->set("items", email);
    email_array->set("maxItems", static_cast<int>(kMaxEmails));
    // A set: the host may reorder it when it normalises params; a repeat (in any letter case)
    // is refused.
    email_array->set("uniqueItems", true);
    email_array->set("description",
                     "limit the recipients; DigiCert silently ignores ineligible addresses "
                     "(check_recipients reports which); each address once, compared "
                     "case-insensitively");

    Object::Ptr properties = ordered_object();
    properties->set("domain_id", domain_id);
    properties->set("domain", domain);
    properties->set("name_scope", name_scope);
    properties->set("locale", locale);
    properties->set("email_array", email_array);
    properties->set("skip_if_validated",
                    boolean_param(false,
                                  "read the domain's DCV state first and skip the resend "
                                  "(status skipped, nothing sent) when every validation type "
                                  "(validations[], dcv_expiration) is active and in date"));
    Object::Ptr revalidate_within = ordered_object();
    revalidate_within->set("type", "string");
    revalidate_within->set("pattern", "^[0-9]{1,6}[smhd]$");
    revalidate_within->set("description",
                           "resend only when a validation is missing, pending, or expires within "
                           "this window (e.g. \"30d\"; at most 800d); implies skip_if_validated");
    properties->set("revalidate_within", revalidate_within);
    Object::Ptr check_recipients = ordered_object();
    check_recipients->set("type", "boolean");
    check_recipients->set("description",
                          "read the addresses DigiCert can mail first and report which requested "
                          "ones it will mail or ignore; default: true when email_array is given, "
                          "else false");
    properties->set("check_recipients", check_recipients);
    properties->set("strict_recipients",
                    boolean_param(false,
                                  "refuse (invalid_input, nothing sent) when DigiCert would "
                                  "ignore any requested address; needs check_recipients"));

    return closed_object_schema(properties, "domain_id", "domain");
}

Object::Ptr typed(const char* type, const std::string& description) {
    Object::Ptr out = ordered_object();
    out->set("type", type);
    out->set("description", description);
    return out;
}

Object::Ptr window_param(const char* description) {
    Object::Ptr out = typed("string", description);
    out->set("pattern", "^[0-9]{1,6}[smhd]$");
    return out;
}

Object::Ptr list_params_schema() {
    Object::Ptr properties = ordered_object();
    Object::Ptr name = typed("string", "one domain by its exact name (filters[search])");
    name->set("format", "hostname");
    properties->set("name", name);
    Object::Ptr search =
        typed("string", "domains whose name contains this text (filters[search]=%25text)");
    search->set("maxLength", static_cast<int>(kMaxSearchLength));
    properties->set("search", search);
    properties->set("active", typed("boolean", "only active (true) or inactive (false) domains"));
    properties->set("pending", typed("boolean",
                                     "only domains with a validation pending, expired or missing "
                                     "(true), or none (false); judged per validation type"));
    properties->set("expiring_within",
                    window_param("only domains with an active validation that expires within "
                                 "this window, e.g. \"30d\""));
    properties->set("due_within",
                    window_param("only domains a resend with revalidate_within of this window "
                                 "would mail: pending, expired, missing or expiring within it"));
    Object::Ptr type = typed("string", "judge only this validation type, e.g. ov or ev");
    type->set("pattern", "^[a-z_]{1,16}$");
    properties->set("validation_type", type);
    Object::Ptr page_size = typed("integer", "domains per page read (CertCentral's limit)");
    page_size->set("minimum", 1);
    page_size->set("maximum", static_cast<int>(kMaxListPageSize));
    properties->set("page_size", page_size);
    Object::Ptr max_items = typed("integer", "at most this many items in the outcome");
    max_items->set("minimum", 1);
    max_items->set("maximum", 20000);
    properties->set("max_items", max_items);
    Object::Ptr schema = ordered_object();
    schema->set("$schema", "https://json-schema.org/draft/2020-12/schema");
    schema->set("type", "object");
    schema->set("properties", properties);
    schema->set("additionalProperties", false);
    return schema;
}

Object::Ptr column(const char* title, const char* key) {
    Object::Ptr out = ordered_object();
    out->set("title", title);
    out->set("key", key);
    return out;
}

Array::Ptr list_item_columns() {
    Array::Ptr out = new Array;
    out->add(column("ID", "id"));
    out->add(column("DOMAIN", "name"));
    out->add(column("ACTIVE", "active"));
    out->add(column("OV", "validations.ov.status"));
    out->add(column("OV UNTIL", "validations.ov.valid_until"));
    out->add(column("EV", "validations.ev.status"));
    out->add(column("EV UNTIL", "validations.ev.valid_until"));
    out->add(column("DUE", "due"));
    out->add(column("WHY", "reason"));
    return out;
}

Object::Ptr integer_setting(IntegerRange range, const char* description) {
    Object::Ptr out = ordered_object();
    out->set("type", "integer");
    out->set("minimum", range.min);
    out->set("maximum", range.max);
    out->set("description", description);
    return out;
}

Object::Ptr string_setting(std::size_t min_length, std::size_t max_length,
                           const std::string& description) {
    Object::Ptr out = ordered_object();
    out->set("type", "string");
    out->set("minLength", static_cast<int>(min_length));
    out->set("maxLength", static_cast<int>(max_length));
    out->set("description", description);
    return out;
}

Object::Ptr retry_schema() {
    Object::Ptr properties = ordered_object();
    properties->set("max_attempts", integer_setting(kMaxAttemptsRange,
                                                    "HTTP attempts per request, the first "
                                                    "included; only 429, 5xx, resets and "
                                                    "timeouts are retried (a resend in doubt "
                                                    "only per in_doubt_retries)"));
    properties->set("initial_delay_ms",
                    integer_setting(kInitialDelayMsRange,
                                    "first backoff cap (full jitter, doubling per retry); at "
                                    "most max_delay_ms"));
    properties->set("max_delay_ms", integer_setting(kMaxDelayMsRange,
                                                    "cap of any one backoff delay; at least "
                                                    "initial_delay_ms"));
    properties->set("deadline_ms",
                    integer_setting(kDeadlineMsRange, "the whole task: every attempt and wait"));
    properties->set(
        "in_doubt_retries",
        integer_setting(kInDoubtRetriesRange,
                        "how many times a resend that is in doubt (fully sent, then reset, "
                        "closed or timed out before any answer: DigiCert may have accepted it) "
                        "is sent again, within max_attempts; default 0: never, the task fails "
                        "with in_doubt true; reads are retried as usual"));
    Object::Ptr retry = ordered_object();
    retry->set("type", "object");
    retry->set("properties", properties);
    retry->set("additionalProperties", false);
    retry->set("description", "retry policy; each field optional");
    return retry;
}

// The account's connection settings, as the host passes them through (it adds api_key).
Object::Ptr connection_schema() {
    std::string region_urls;
    Array::Ptr region_names = new Array;
    for (const CertCentralRegion& region : kCertCentralRegions) {
        region_names->add(std::string(region.name));
        region_urls += std::string(region_urls.empty() ? "" : ", ") + std::string(region.name) +
                       ": " + std::string(region.base_url);
    }
    Object::Ptr region = ordered_object();
    region->set("type", "string");
    region->set("enum", region_names);
    region->set("description", "CertCentral region (" + region_urls +
                                   "); give exactly one of region and base_url");

    Object::Ptr ca_file =
        string_setting(1, kMaxCaFilePathLength,
                       "PEM file of an extra trust anchor, added to the system store "
                       "(verification is always on)");
    ca_file->set("format", "path");

    // The host checks the scheme from the pattern; the parser checks the whole URL.
    Object::Ptr base_url =
        string_setting(kMinBaseUrlLength, kMaxUrlLength,
                       "https:// API base, e.g. https://www.digicert.com/services/v2");
    base_url->set("pattern", "^https://");
    Object::Ptr proxy = string_setting(
        1, kMaxUrlLength, "HTTP CONNECT proxy, http://host:port (TLS stays end to end)");
    proxy->set("pattern", "^http://");

    Object::Ptr properties = ordered_object();
    properties->set("region", region);
    properties->set("base_url", base_url);
    properties->set("ca_file", ca_file);
    properties->set("timeout_ms",
                    integer_setting(kTimeoutMsRange, "per attempt: connect, send and receive"));
    properties->set("proxy", proxy);
    properties->set("retry", retry_schema());

    return closed_object_schema(properties, "region", "base_url");
}

Array::Ptr rate_limits() {
    Array::Ptr out = new Array;
    for (const RateWindowLimit& limit : certcentral_rate_limits()) {
        Object::Ptr entry = ordered_object();
        entry->set("scope", "api_key");
        entry->set("requests", limit.requests);
        entry->set("per_seconds", static_cast<int>(limit.per.count() / 1000));
        out->add(entry);
    }
    return out;
}

std::string build() {
    Object::Ptr task = ordered_object();
    task->set("name", std::string(kTaskName));
    task->set("summary", "Resend DigiCert domain-control-validation (DCV) emails for a domain");
    task->set("params_schema", params_schema());
    task->set("supports_dry_run", true);
    task->set("sensitive_params", Array::Ptr(new Array));
    // What the host's history files this task's sends under (taskhost history --domain).
    Object::Ptr subject = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    subject->set("id", "domain_id");
    subject->set("name", "domain");
    task->set("subject_params", subject);
    task->set("rate_limits", rate_limits());

    Object::Ptr listing = ordered_object();
    listing->set("name", std::string(kDomainListTaskName));
    listing->set("summary",
                 "List the account's domains with their DCV state per validation type: all, or "
                 "those pending or due within a window (read-only)");
    listing->set("params_schema", list_params_schema());
    listing->set("read_only", true);
    listing->set("supports_dry_run", true);
    listing->set("sensitive_params", Array::Ptr(new Array));
    listing->set("item_columns", list_item_columns());
    listing->set("rate_limits", rate_limits());

    Array::Ptr tasks = new Array;
    tasks->add(task);
    tasks->add(listing);
    Object::Ptr root = ordered_object();
    root->set("abi_version", static_cast<int>(TASKHOST_ABI_VERSION));
    root->set("name", kPluginName);
    root->set("version", kPluginVersion);
    root->set("tasks", tasks);
    root->set("connection_schema", connection_schema());
    std::ostringstream out;
    root->stringify(out);
    return out.str();
}

}  // namespace

const char* describe_json() {
    static const std::string json = build();  // C++11 statics: built once, thread-safe
    return json.c_str();
}

}  // namespace digicert_dcv
