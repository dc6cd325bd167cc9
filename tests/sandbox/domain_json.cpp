#include "domain_json.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/String.h>

#include <sstream>

#include "certcentral_time.h"
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

std::string to_text(const Object::Ptr& object) {
    std::ostringstream out;
    object->stringify(out);
    return out.str();
}

Object::Ptr validation_json(const DomainValidation& validation) {
    Object::Ptr entry = new_object();
    entry->set("type", validation.type);
    entry->set("name", Poco::toUpper(validation.type));
    entry->set("status", validation.status);
    // DigiCert does not list dcv_status values: "complete" once validated (even when that has
    // since expired) and "pending" otherwise are the sandbox's guesses.
    const bool complete = validation.status == "active" && validation.validated_until;
    entry->set("dcv_status", complete ? "complete" : "pending");
    if (validation.validated_until) {
        entry->set("validated_until", iso_utc(*validation.validated_until));
    }
    return entry;
}

// {"ov": ..., "ev": ...}: a type without a validated_until is left out, so a domain never
// validated gets {} (whether DigiCert sends {} or omits the field then is not documented).
Object::Ptr dcv_expiration_json(const ServedDomain& domain, bool with_time) {
    Object::Ptr expiration = new_object();
    for (const DomainValidation& validation : domain.validations) {
        if (validation.validated_until) {
            expiration->set(validation.type, with_time
                                                 ? iso_utc(*validation.validated_until)
                                                 : mountain_date(*validation.validated_until));
        }
    }
    return expiration;
}

// The fields the info and the list share; `datetimes` adds the info's two DCV datetimes.
Object::Ptr domain_object(const ServedDomain& domain, const DomainDetail& detail, bool datetimes) {
    Object::Ptr body = new_object();
    body->set("id", domain.id);
    body->set("name", domain.name);
    body->set("is_active", domain.is_active);
    body->set("is_pending_validation", domain.is_pending_validation);
    if (detail.include_dcv) {
        body->set("dcv_method", "email");
        if (datetimes && domain.dcv_expires_at) {
            body->set("dcv_approval_datetime", iso_utc(*domain.dcv_approved_at));
            body->set("dcv_expiration_datetime", iso_utc(*domain.dcv_expires_at));
        }
        body->set("dcv_expiration", dcv_expiration_json(domain, detail.dcv_expiration_time));
    }
    if (detail.include_validation) {
        Array::Ptr validations = new Array;
        for (const DomainValidation& validation : domain.validations) {
            validations->add(validation_json(validation));
        }
        body->set("validations", validations);
    }
    return body;
}

}  // namespace

std::string domain_info_json(const ServedDomain& domain, const DomainDetail& detail) {
    return to_text(domain_object(domain, detail, true));
}

std::string dcv_emails_json(const ServedDomain& domain, const DcvEmailPreferences* applied) {
    const bool constructed = applied == nullptr || applied->constructed;
    const bool dns_txt = applied == nullptr || applied->dns_txt;
    Object::Ptr body = new_object();
    body->set("name_scope", domain.name);
    body->set("base_emails",
              to_array(constructed ? constructed_emails(domain.name) : std::vector<std::string>{}));
    // Listed whatever the preferences: DigiCert still documents the field (legacy) and says
    // nothing of how preferences affect it; the sandbox never mails these (a guess).
    body->set("whois_emails", to_array(domain.whois_emails));
    body->set("dns_txt_emails",
              to_array(dns_txt ? domain.dns_txt_emails : std::vector<std::string>{}));
    // DigiCert's answer also has an email_array whose meaning its public docs do not show: the
    // sandbox leaves it out rather than invent one.
    return to_text(body);
}

std::string domain_list_json(const DomainPage& page, const DomainListQuery& query) {
    Array::Ptr domains = new Array;
    for (const ServedDomain* domain : page.domains) {
        // validations[] on the list endpoint is the sandbox's guess: DigiCert documents
        // include_validation for domain info only.
        domains->add(domain_object(*domain, query.detail, false));
    }
    Object::Ptr page_info = new_object();
    page_info->set("total", static_cast<Poco::UInt64>(page.total));
    page_info->set("limit", static_cast<Poco::UInt64>(query.limit));
    page_info->set("offset", static_cast<Poco::UInt64>(query.offset));
    Object::Ptr body = new_object();
    body->set("domains", domains);
    body->set("page", page_info);
    return to_text(body);
}

}  // namespace sandbox
