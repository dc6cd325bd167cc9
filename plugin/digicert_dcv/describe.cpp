#include "describe.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <initializer_list>
#include <sstream>
#include <string>

#include "dcv_resend_spec.h"
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
                                  "(status skipped, nothing sent) when its DCV is complete"));
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

    Array::Ptr one_of = new Array;
    one_of->add(required_one("domain_id"));
    one_of->add(required_one("domain"));

    Object::Ptr schema = ordered_object();
    schema->set("$schema", "https://json-schema.org/draft/2020-12/schema");
    schema->set("type", "object");
    schema->set("properties", properties);
    schema->set("oneOf", one_of);
    schema->set("additionalProperties", false);
    return schema;
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
    task->set("connection_fields",
              string_array({"base_url", "api_key", "ca_file", "timeout_ms", "proxy", "retry"}));
    task->set("sensitive_connection_fields", string_array({"api_key"}));
    task->set("rate_limits", rate_limits());

    Array::Ptr tasks = new Array;
    tasks->add(task);
    Object::Ptr root = ordered_object();
    root->set("abi_version", static_cast<int>(TASKHOST_ABI_VERSION));
    root->set("name", kPluginName);
    root->set("version", kPluginVersion);
    root->set("tasks", tasks);
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
