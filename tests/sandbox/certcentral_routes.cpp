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

constexpr size_t kListLimit = 1000;  // CertCentral's page size for the domain list

bool is_true(const std::map<std::string, std::string>& query, const std::string& name) {
    const auto it = query.find(name);
    return it != query.end() && (Poco::icompare(it->second, "true") == 0 || it->second == "1");
}

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

bool contains_nocase(const std::string& text, const std::string& needle) {
    return Poco::toLower(text).find(Poco::toLower(needle)) != std::string::npos;
}

}  // namespace

CertCentralRoutes::CertCentralRoutes(std::string base_path,
                                     const std::vector<SandboxDomain>& domains,
                                     std::vector<SandboxKey> keys,
                                     std::chrono::system_clock::time_point started)
    : base_path_(std::move(base_path)), keys_(std::move(keys)), started_(started) {
    for (const SandboxDomain& domain : domains) {
        domains_.emplace(domain.id, domain);
    }
}

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

const SandboxDomain* CertCentralRoutes::find_domain(const std::string& id_text) const {
    // A positive decimal integer; anything else cannot name a domain.
    if (id_text.empty() || id_text.size() > 18 ||
        !std::all_of(id_text.begin(), id_text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return nullptr;
    }
    const auto it = domains_.find(std::stoll(id_text));
    return it == domains_.end() ? nullptr : &it->second;
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
        const SandboxDomain* domain = find_domain(path[1]);
        return domain ? domain_info(*domain, *target) : domain_not_found(path[1]);
    }
    if (path.size() == 4 && path[0] == "domain" && path[2] == "dcv" && path[3] == "emails") {
        if (method == "PUT") {
            return resend(request, *key, path[1], accepted);
        }
        if (method != "GET") {
            return method_not_allowed(method, "GET, PUT");
        }
        const SandboxDomain* domain = find_domain(path[1]);
        return domain ? dcv_emails(*domain, *target) : domain_not_found(path[1]);
    }
    // Documented: not_found|route for a path that does not exist. The message is a guess.
    return error_response(404, "not_found|route",
                          "No such endpoint: " + method + " " + target->path);
}

SandboxResponse CertCentralRoutes::domain_list(const Target& target) const {
    // Brackets arrive raw or percent-encoded; Poco::URI has decoded both to the same name.
    const auto search = target.query.find("filters[search]");
    std::vector<const SandboxDomain*> page;
    size_t total = 0;
    for (const auto& [id, domain] : domains_) {
        if (search != target.query.end() && !contains_nocase(domain.name, search->second)) {
            continue;
        }
        ++total;
        if (page.size() < kListLimit) {
            page.push_back(&domain);
        }
    }
    return json_response(200, domain_list_json(page, total, kListLimit));
}

SandboxResponse CertCentralRoutes::domain_info(const SandboxDomain& domain,
                                               const Target& target) const {
    return json_response(200,
                         domain_info_json(domain, is_true(target.query, "include_dcv"),
                                          is_true(target.query, "include_validation"), started_));
}

SandboxResponse CertCentralRoutes::dcv_emails(const SandboxDomain& domain,
                                              const Target& target) const {
    const auto scope = target.query.find("name_scope");
    const bool scoped = scope != target.query.end() && !scope->second.empty();
    return json_response(200, dcv_emails_json(domain, scoped ? scope->second : domain.name));
}

SandboxResponse CertCentralRoutes::resend(const RecordedRequest& request, const SandboxKey& key,
                                          const std::string& id_text,
                                          std::optional<AcceptedResend>& accepted) const {
    if (key.role == "view_only") {
        return error_response(403, "access_denied|missing_permission",
                              "This API key is View Only and may not resend DCV emails; use a "
                              "key with a role that manages domains.");
    }
    const SandboxDomain* domain = find_domain(id_text);
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
    resend.mailed = mailed_emails(body.email_array, eligible_emails(*domain, resend.name_scope));
    resend.at = std::chrono::system_clock::now();
    accepted = std::move(resend);
    return json_response(204, "");
}

}  // namespace sandbox
