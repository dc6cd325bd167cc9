#include "domain_json.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Timestamp.h>

#include <sstream>

#include "dcv_recipients.h"

namespace sandbox {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

Object::Ptr new_object() {
    return new Object(Poco::JSON_PRESERVE_KEY_ORDER);
}

Array::Ptr to_array(const std::vector<std::string>& values) {
    Array::Ptr array = new Array;
    for (const std::string& value : values) {
        array->add(value);
    }
    return array;
}

// CertCentral writes timestamps as "2024-05-17T22:47:52+00:00".
std::string iso_time(std::chrono::system_clock::time_point at) {
    const auto micros =
        std::chrono::duration_cast<std::chrono::microseconds>(at.time_since_epoch()).count();
    return Poco::DateTimeFormatter::format(Poco::Timestamp(micros), "%Y-%m-%dT%H:%M:%S+00:00");
}

std::string to_text(const Object::Ptr& object) {
    std::ostringstream out;
    object->stringify(out);
    return out.str();
}

}  // namespace

std::string domain_info_json(const SandboxDomain& domain, bool include_dcv, bool include_validation,
                             std::chrono::system_clock::time_point started) {
    using std::chrono::hours;
    const auto approved = started - hours(24);
    const auto expires = started + hours(24 * 397);

    Object::Ptr body = new_object();
    body->set("id", domain.id);
    body->set("name", domain.name);
    body->set("is_active", true);
    body->set("is_pending_validation", !domain.validated);
    if (include_dcv) {
        body->set("dcv_method", "email");
        if (domain.validated) {
            body->set("dcv_approval_datetime", iso_time(approved));
            body->set("dcv_expiration_datetime", iso_time(expires));
        }
    }
    if (include_validation) {
        Object::Ptr validation = new_object();
        validation->set("type", "ov");
        validation->set("name", "OV");
        validation->set("status", domain.validated ? "active" : "pending");
        validation->set("dcv_status", domain.validated ? "complete" : "pending");
        if (domain.validated) {
            validation->set("validated_until", iso_time(expires));
        }
        Array::Ptr validations = new Array;
        validations->add(validation);
        body->set("validations", validations);
    }
    return to_text(body);
}

std::string dcv_emails_json(const SandboxDomain& domain, const std::string& scope) {
    Object::Ptr body = new_object();
    body->set("name_scope", scope);
    body->set("base_emails", to_array(constructed_emails(scope)));
    body->set("whois_emails", to_array(domain.whois_emails));
    body->set("dns_txt_emails", to_array(domain.dns_txt_emails));
    return to_text(body);
}

std::string domain_list_json(const std::vector<const SandboxDomain*>& page, size_t total,
                             size_t limit) {
    Array::Ptr domains = new Array;
    for (const SandboxDomain* domain : page) {
        Object::Ptr entry = new_object();
        entry->set("id", domain->id);
        entry->set("name", domain->name);
        entry->set("is_active", true);
        entry->set("is_pending_validation", !domain->validated);
        entry->set("dcv_method", "email");
        domains->add(entry);
    }
    Object::Ptr page_info = new_object();
    page_info->set("total", static_cast<Poco::UInt64>(total));
    page_info->set("limit", static_cast<Poco::UInt64>(limit));
    page_info->set("offset", 0);
    Object::Ptr body = new_object();
    body->set("domains", domains);
    body->set("page", page_info);
    return to_text(body);
}

}  // namespace sandbox
