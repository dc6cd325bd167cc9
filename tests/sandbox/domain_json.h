// CertCentral's JSON for the read-only domain endpoints.
#pragma once

#include <string>

#include "account_domains.h"
#include "domain_query.h"
#include "sandbox_domain.h"
#include "served_domain.h"

namespace sandbox {

// GET /domain/{id}: id, name, is_active, is_pending_validation; with include_dcv also
// dcv_method, dcv_approval_datetime and dcv_expiration_datetime (when validated) and
// dcv_expiration{ov,ev}; with include_validation validations[] of {type, name, status,
// dcv_status, validated_until}.
std::string domain_info_json(const ServedDomain& domain, const DomainDetail& detail);

// GET /domain/{id}/dcv/emails: {name_scope, base_emails, whois_emails, dns_txt_emails}, always
// for the domain's own name. `applied` null: everyone possible, "regardless of your account
// settings"; else only the kinds those preferences allow.
std::string dcv_emails_json(const ServedDomain& domain, const DcvEmailPreferences* applied);

// GET /domain: {"domains":[...], "page":{"total","limit","offset"}}. Each domain has id, name,
// is_active, is_pending_validation; with include_dcv dcv_method and dcv_expiration{ov,ev}; with
// include_validation validations[] as in domain info.
std::string domain_list_json(const DomainPage& page, const DomainListQuery& query);

}  // namespace sandbox
