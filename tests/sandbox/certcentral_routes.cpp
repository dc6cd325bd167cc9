#include "certcentral_routes.h"

#include <Poco/Exception.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <algorithm>

#include "dcv_recipients.h"
#include "domain_json.h"
#include "resend_body.h"

namespace sandbox {
namespace {

SandboxResponse method_not_allowed(const std::string& method, const std::string& allowed) {
    SandboxResponse response =
        error_response(405, "method_not_allowed",
                       "Method " + method + " is not allowed here; use " + allowed + ".");
    response.headers.emplace_back("Allow", allowed);
    return response;
}

SandboxResponse domain_not_found(const std::string& id_text) {
    return error_response(404, "not_found|domain",
                          "Domain " + id_text + " was not found, or this API key may not see it.");
}

bool is_json_content_type(const std::string& content_type) {
    const std::string media_type = Poco::trim(content_type.substr(0, content_type.find(';')));
    return Poco::icompare(media_type, "application/json") == 0;
}

}  // namespace

CertCentralRoutes::CertCentralRoutes(std::string base_path,
                                     const std::vector<SandboxDomain>& domains,
                                     std::vector<SandboxKey> keys,
                                     DcvEmailPreferences dcv_email_preferences,
                                     std::chrono::system_clock::time_point started)
    : base_path_(std::move(base_path)),
      domains_(domains, started),
      keys_(std::move(keys)),
      dcv_email_preferences_(dcv_email_preferences) {}

std::optional<CertCentralRoutes::Target> CertCentralRoutes::parse_target(
    const std::string& raw) const {
    Target target;
    try {
        const Poco::URI uri(raw);
        target.path = uri.getPath();
        for (const auto& [name, value] : uri.getQueryParameters()) {
            target.query.emplace(name, value);
        }
    } catch (const Poco::Exception&) {
        return std::nullopt;
    }
    const std::string& path = target.path;
    if (path.compare(0, base_path_.size(), base_path_) != 0) {
        return target;  // no segments: not found
    }
    const std::string rest = path.substr(base_path_.size());
    if (rest.empty() || rest[0] != '/') {
        return target;
    }
    size_t start = 1;
    while (start <= rest.size()) {
        const size_t slash = std::min(rest.find('/', start), rest.size());
        target.segments.push_back(rest.substr(start, slash - start));
        start = slash + 1;
    }
    return target;
}

const ServedDomain* CertCentralRoutes::find_domain(const std::string& id_text) const {
    // A positive decimal integer; anything else cannot name a domain.
    if (id_text.empty() || id_text.size() > 18 ||
        !std::all_of(id_text.begin(), id_text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return nullptr;
    }
    return domains_.find(std::stoll(id_text));
}

SandboxResponse CertCentralRoutes::handle(const RecordedRequest& request,
                                          std::optional<AcceptedResend>& accepted) const {
    const std::string key_value = request.header("X-DC-DEVKEY");
    const auto key = std::find_if(keys_.begin(), keys_.end(), [&](const SandboxKey& candidate) {
        return !key_value.empty() && candidate.key == key_value;
    });
    if (key == keys_.end()) {
        // Never echo the key: the message says what is wrong, not what was sent.
        return error_response(401, "invalid_api_key",
                              key_value.empty()
                                  ? "The X-DC-DEVKEY header is missing; send your API key in it."
                                  : "The API key in X-DC-DEVKEY is not valid.");
    }

    const std::optional<Target> target = parse_target(request.target);
    if (!target) {
        return error_response(400, "bad_request_format", "The request target is not a valid URI.");
    }
    const std::vector<std::string>& path = target->segments;
    const std::string& method = request.method;

    if (path.size() == 1 && path[0] == "domain") {
        return method == "GET" ? domain_list(*target) : method_not_allowed(method, "GET");
    }
    if (path.size() == 2 && path[0] == "domain") {
        if (method != "GET") {
            return method_not_allowed(method, "GET");
        }
        const ServedDomain* domain = find_domain(path[1]);
        return domain ? json_response(200,
                                      domain_info_json(*domain, parse_domain_detail(target->query)))
                      : domain_not_found(path[1]);
    }
    if (path.size() == 4 && path[0] == "domain" && path[2] == "dcv" && path[3] == "emails") {
        if (method == "PUT") {
            return resend(request, *key, path[1], accepted);
        }
        if (method != "GET") {
            return method_not_allowed(method, "GET, PUT");
        }
        const ServedDomain* domain = find_domain(path[1]);
        return domain ? dcv_emails(*domain, *target) : domain_not_found(path[1]);
    }
    // Documented: not_found|route for a path that does not exist. The message is a guess.
    return error_response(404, "not_found|route",
                          "No such endpoint: " + method + " " + target->path);
}

SandboxResponse CertCentralRoutes::domain_list(const Target& target) const {
    auto parsed = parse_domain_list_query(target.query);
    if (auto* refusal = std::get_if<SandboxResponse>(&parsed)) {
        return *refusal;
    }
    const DomainListQuery& query = std::get<DomainListQuery>(parsed);
    return json_response(200, domain_list_json(domains_.list(query), query));
}

SandboxResponse CertCentralRoutes::dcv_emails(const ServedDomain& domain,
                                              const Target& target) const {
    // consider_dcv_email_preferences is the one documented parameter. name_scope is not one:
    // it is ignored, and the answer is always for the domain's own name.
    const bool consider = query_flag(target.query, "consider_dcv_email_preferences");
    return json_response(200,
                         dcv_emails_json(domain, consider ? &dcv_email_preferences_ : nullptr));
}

SandboxResponse CertCentralRoutes::resend(const RecordedRequest& request, const SandboxKey& key,
                                          const std::string& id_text,
                                          std::optional<AcceptedResend>& accepted) const {
    if (key.role == "view_only") {
        return error_response(403, "access_denied|missing_permission",
                              "This API key is View Only and may not resend DCV emails; use a "
                              "key with a role that manages domains.");
    }
    const ServedDomain* domain = find_domain(id_text);
    if (!domain) {
        return domain_not_found(id_text);
    }
    const std::string content_type = request.header("Content-Type");
    if (!is_json_content_type(content_type)) {
        return error_response(400, "bad_request_format",
                              "Content-Type must be application/json (got '" + content_type +
                                  "'); send the body as JSON.");
    }
    auto parsed = parse_resend_body(request.body);
    if (auto* problem = std::get_if<std::string>(&parsed)) {
        return error_response(400, "bad_request_format", *problem);
    }
    const ResendBody& body = std::get<ResendBody>(parsed);

    AcceptedResend resend;
    resend.domain_id = domain->id;
    resend.name_scope = body.name_scope.value_or("").empty() ? domain->name : *body.name_scope;
    resend.locale = body.locale.value_or("");
    resend.requested = body.email_array;
    resend.mailed = mailed_emails(
        body.email_array,
        eligible_emails(domain->dns_txt_emails, resend.name_scope, dcv_email_preferences_));
    resend.at = std::chrono::system_clock::now();
    accepted = std::move(resend);
    return json_response(204, "");
}

}  // namespace sandbox
