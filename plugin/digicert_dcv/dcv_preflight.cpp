#include "dcv_preflight.h"

#include "dcv_validity.h"
#include "domain_list.h"
#include "printable_text.h"

namespace digicert_dcv {
namespace {

std::string id_list(const std::vector<ListedDomain>& domains) {
    std::string out;
    for (const ListedDomain& domain : domains) {
        out += (out.empty() ? "" : ", ") + std::to_string(domain.id);
    }
    return out;
}

TaskError answer_not_understood(const std::string& step, const CertCentralRequest& request,
                                const std::string& problem, const std::string& body) {
    TaskError error;
    error.kind = ErrorKind::kServer;
    error.msg = "pre-flight " + step + ": DigiCert's answer to GET " + request.url +
                " is not what CertCentral sends: " + problem;
    error.body_excerpt = body_excerpt(body);
    return error;
}

TaskError invalid_param(const std::string& field, const std::string& msg) {
    TaskError error;
    error.kind = ErrorKind::kInvalidInput;
    error.field = field;
    error.msg = field + ": " + msg;
    return error;
}

}  // namespace

PreflightResult DcvPreflight::run() {
    PreflightResult result;
    const DcvResendParams& params = spec_.params;
    result.findings.domain.source = "params";
    result.findings.domain.id = params.domain_id;
    if (params.domain && !resolve_domain(result)) {
        return result;
    }
    if (params.skip_if_validated && !check_dcv_state(result)) {
        return result;
    }
    if (result.end == PreflightResult::End::kValidated) {
        return result;  // nothing will be sent, so whom it would reach does not matter
    }
    if (params.check_recipients) {
        check_recipients(result);
    }
    return result;
}

bool DcvPreflight::read(const CertCentralRequest& request, const RequestSubject& subject,
                        const std::string& step, PreflightResult& result, std::string& body) {
    const ExchangeResult answer = exchange_.run(request, subject);
    result.findings.reads.push_back(PreflightRead{request.method, request.url, answer.http_status});
    if (answer.end == ExchangeResult::End::kAnswered) {
        if (answer.response.body_truncated) {
            result.end = PreflightResult::End::kFailed;
            result.error = answer_not_understood(
                step, request,
                "the body is larger than " + std::to_string(request.max_response_body) + " bytes",
                answer.response.body);
            return false;
        }
        body = answer.response.body;
        return true;
    }
    result.end = answer.end == ExchangeResult::End::kCancelled ? PreflightResult::End::kCancelled
                                                               : PreflightResult::End::kFailed;
    result.error = answer.error;
    result.attempts = answer.attempts;
    if (answer.end == ExchangeResult::End::kFailed) {
        result.error.msg =
            "pre-flight " + step + " (GET " + request.url + ") failed: " + result.error.msg;
    }
    return false;
}

bool DcvPreflight::resolve_domain(PreflightResult& result) {
    const std::string& name = *spec_.params.domain;
    DomainIdentity& domain = result.findings.domain;
    domain.name = name;
    const std::string key = DomainNameCache::key_for(spec_.connection.base_url.normalised(),
                                                     spec_.connection.api_key, name);
    if (const auto cached = cache_.find(key)) {
        domain = DomainIdentity{cached->id, cached->name, "cache"};
        host_.log(TASKHOST_LOG_DEBUG, "domain " + name + " is domain " +
                                          std::to_string(cached->id) + " (cached lookup)");
        return true;
    }
    CertCentralRequest request =
        build_certcentral_get(spec_.connection, "/domain?" + percent_encode("filters[search]") +
                                                    "=" + percent_encode(name));
    request.max_response_body = kMaxDomainListBody;
    const RequestSubject subject{"the domain search for " + name, "read", "domain search"};
    std::string body;
    if (!read(request, subject, "domain lookup", result, body)) {
        return false;
    }
    const auto parsed = parse_domain_list(body);
    if (const auto* problem = std::get_if<std::string>(&parsed)) {
        result.end = PreflightResult::End::kFailed;
        result.error = answer_not_understood("domain lookup", request, *problem, body);
        return false;
    }
    const DomainList& list = std::get<DomainList>(parsed);
    const std::vector<ListedDomain> matches = exact_name_matches(list, name);
    if (matches.empty()) {
        result.end = PreflightResult::End::kFailed;
        result.error = invalid_param(
            "params.domain",
            "no domain named " + name + " is visible to this key" +
                (list_is_partial(list)
                     ? " among the " + std::to_string(list.domains.size()) + " listed of " +
                           std::to_string(*list.total) + " that the search matched"
                     : "") +
                "; check the name (a domain as added to CertCentral, not a subdomain of one) "
                "and the account, or give params.domain_id");
        result.error.kind = ErrorKind::kNotFound;
        return false;
    }
    if (matches.size() > 1) {
        result.end = PreflightResult::End::kFailed;
        result.error = invalid_param(
            "params.domain", "is ambiguous: " + std::to_string(matches.size()) +
                                 " domains visible to this key are named " + name + " (ids " +
                                 id_list(matches) + "); give params.domain_id to pick one");
        return false;
    }
    domain =
        DomainIdentity{matches.front().id, printable_excerpt(matches.front().name, 253), "lookup"};
    cache_.remember(key, CachedDomain{domain.id.value_or(0), domain.name});
    host_.log(TASKHOST_LOG_INFO,
              "domain " + name + " is domain " + std::to_string(matches.front().id));
    return true;
}

bool DcvPreflight::check_dcv_state(PreflightResult& result) {
    const int64_t id = *result.findings.domain.id;
    const CertCentralRequest request =
        build_certcentral_get(spec_.connection, "/domain/" + std::to_string(id) +
                                                    "?include_dcv=true&include_validation=true");
    const RequestSubject subject{"domain " + std::to_string(id), "read", "DCV state check"};
    std::string body;
    if (!read(request, subject, "DCV state check", result, body)) {
        return false;
    }
    const auto parsed = parse_domain_dcv_state(body);
    if (const auto* problem = std::get_if<std::string>(&parsed)) {
        result.end = PreflightResult::End::kFailed;
        result.error = answer_not_understood("DCV state check", request, *problem, body);
        return false;
    }
    DcvStateReport report{std::get<DomainDcvState>(parsed), {}};
    report.verdict = judge_dcv(report.state, std::chrono::system_clock::now(),
                               spec_.params.revalidate_within.value_or(std::chrono::seconds(0)));
    if (result.findings.domain.name.empty() && !report.state.name.empty()) {
        result.findings.domain.name = printable_excerpt(report.state.name, 253);
    }
    if (report.verdict.complete) {
        result.end = PreflightResult::End::kValidated;
    }
    result.findings.dcv = std::move(report);
    return true;
}

bool DcvPreflight::check_recipients(PreflightResult& result) {
    const DcvResendParams& params = spec_.params;
    const int64_t id = *result.findings.domain.id;
    // Only the documented parameter: the account's DCV email preferences, which a resend obeys.
    // The list takes no name_scope; report_recipients compares the scope it answers for.
    const CertCentralRequest request = build_certcentral_get(
        spec_.connection,
        "/domain/" + std::to_string(id) + "/dcv/emails?consider_dcv_email_preferences=true");
    const RequestSubject subject{"domain " + std::to_string(id), "read", "recipient check"};
    std::string body;
    if (!read(request, subject, "recipient check", result, body)) {
        return false;
    }
    const auto parsed = parse_dcv_email_list(body);
    if (const auto* problem = std::get_if<std::string>(&parsed)) {
        result.end = PreflightResult::End::kFailed;
        result.error = answer_not_understood("recipient check", request, *problem, body);
        return false;
    }
    const RecipientReport report =
        report_recipients(params.email_array.value_or(std::vector<std::string>{}),
                          std::get<DcvEmailList>(parsed), params.name_scope.value_or(""));
    result.findings.recipients = report;
    if (report.ignored.empty() && report.split_known) {
        return true;
    }
    // An unknown split is never a reason to refuse: DigiCert may mail them all.
    if (params.strict_recipients && report.split_known) {
        result.end = PreflightResult::End::kFailed;
        result.error = invalid_param(
            "params.email_array",
            "DigiCert would ignore " + address_list(report.ignored) +
                " (not eligible for this domain); eligible: " + address_list(report.eligible) +
                "; remove the ignored addresses, or set strict_recipients to false to let "
                "DigiCert drop them");
        return false;
    }
    host_.log(TASKHOST_LOG_WARN, recipient_warning(report));
    return true;
}

}  // namespace digicert_dcv
