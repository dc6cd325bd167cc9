#include "error_mapping.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "printable_text.h"
#include "retry_policy.h"

namespace digicert_dcv {
namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

ErrorKind kind_for_status(int status) {
    switch (status) {
        case 401:
            return ErrorKind::kAuth;
        case 403:
            return ErrorKind::kPermission;
        case 404:
            return ErrorKind::kNotFound;
        case 429:
            return ErrorKind::kRateLimited;
        default:
            break;
    }
    if (status >= 500) {
        return ErrorKind::kServer;
    }
    if (status >= 300 && status < 400) {
        return ErrorKind::kInvalidInput;  // a redirect: the base URL points at the wrong place
    }
    if (status >= 400) {
        return ErrorKind::kInvalidInput;  // 400, 409, 422 and the rest: the request is refused
    }
    return ErrorKind::kServer;  // 1xx/other: nothing a client asked for
}

// Generic client errors say little; DigiCert's code family can say more.
ErrorKind refine_by_code(ErrorKind kind, int status, const std::vector<ApiError>& errors) {
    if (errors.empty() || kind != ErrorKind::kInvalidInput || status < 400) {
        return kind;
    }
    const std::string_view family = code_family(errors.front().code);
    if (family == "access_denied") {
        return ErrorKind::kPermission;
    }
    if (family == "not_found") {
        return ErrorKind::kNotFound;
    }
    if (family == "request_limit_exceeded") {
        return ErrorKind::kRateLimited;
    }
    if (family == "invalid_api_key" || family == "unauthorized") {
        return ErrorKind::kAuth;
    }
    return kind;
}

std::string what_happened(ErrorKind kind, int status, const RequestSubject& subject,
                          const HttpResponse& response) {
    const std::string& domain = subject.what;
    const std::string code = std::to_string(status);
    if (status >= 300 && status < 400) {
        return "DigiCert answered a redirect (" + code + " to " +
               (response.location.empty() ? "nowhere" : quoted_excerpt(response.location, 120)) +
               ") for " + domain + "; connection.base_url is probably wrong";
    }
    switch (kind) {
        case ErrorKind::kAuth:
            return "DigiCert did not accept the API key (" + code + ") for " + domain +
                   ": check the account's key source (api_key_env / api_key_file) and that the "
                   "key is still active";
        case ErrorKind::kPermission:
            return "the API key may not " + subject.action + " " + domain + " (" + code +
                   "): it lacks domain permission; give it a role with domain rights (e.g. "
                   "Orders/Domains/Organizations)";
        case ErrorKind::kNotFound:
            return domain + " not found (" + code +
                   "): the domain id may not exist, or the API key may not see it (another "
                   "division or a restricted key); if it is an order id, use the order-level "
                   "resend instead";
        case ErrorKind::kRateLimited:
            return "DigiCert's rate limit for this API key was exceeded (" + code + ") for " +
                   domain;
        case ErrorKind::kServer:
            return "DigiCert answered " + code + " (server error) for " + domain;
        default:
            return "DigiCert rejected the " + subject.request + " for " + domain + " (" + code +
                   "): check the params";
    }
}

// One {"code", "message"} entry; nothing when it has neither.
std::optional<ApiError> api_error_of(const Object::Ptr& object) {
    const Var code = object->get("code");
    const Var message = object->get("message");
    ApiError error;
    error.code = code.isString() ? printable_excerpt(code.extract<std::string>(), 128) : "";
    error.message =
        message.isString() ? printable_excerpt(message.extract<std::string>(), 512) : "";
    if (error.code.empty() && error.message.empty()) {
        return std::nullopt;
    }
    return error;
}

// "errors" as an object: one {"code", "message"} entry, or else (a guess at other shapes; the
// documentation shows only the array) each member a code with its message.
std::vector<ApiError> errors_of_object(const Object::Ptr& errors) {
    if (auto one = api_error_of(errors)) {
        return {*one};
    }
    std::vector<ApiError> out;
    for (const auto& [name, value] : *errors) {
        if (out.size() >= kMaxApiErrorsKept) {
            break;
        }
        ApiError error;
        error.code = printable_excerpt(name, 128);
        error.message =
            value.isString() ? printable_excerpt(value.extract<std::string>(), 512) : "";
        out.push_back(std::move(error));
    }
    return out;
}

// DigiCert's not_found|route: no such path under the base URL (typically one without
// /services/v2), not a missing domain.
bool is_unknown_route(const std::vector<ApiError>& errors) {
    for (const ApiError& error : errors) {
        if (error.code == "not_found|route") {
            return true;
        }
    }
    return false;
}

}  // namespace

std::string_view code_family(std::string_view code) {
    return code.substr(0, code.find('|'));
}

std::string body_excerpt(std::string_view body) {
    std::string folded;
    folded.reserve(std::min<std::size_t>(body.size(), 4 * kBodyExcerptChars));
    for (const char c : body) {
        if (folded.size() >= 4 * kBodyExcerptChars) {
            break;
        }
        const bool space = c == ' ' || c == '\n' || c == '\r' || c == '\t';
        if (space) {
            if (!folded.empty() && folded.back() != ' ') {
                folded += ' ';
            }
        } else {
            folded += c;
        }
    }
    while (!folded.empty() && folded.back() == ' ') {
        folded.pop_back();
    }
    return printable_excerpt(folded, kBodyExcerptChars);
}

std::optional<std::vector<ApiError>> parse_digicert_errors(std::string_view body) {
    if (body.empty() || body.size() > kMaxResponseBody) {
        return std::nullopt;
    }
    Var root;
    try {
        Poco::JSON::Parser parser;
        parser.setDepth(kMaxErrorBodyDepth);
        root = parser.parse(std::string(body));
    } catch (const Poco::Exception&) {
        return std::nullopt;
    }
    if (root.type() != typeid(Object::Ptr)) {
        return std::nullopt;
    }
    const Var errors = root.extract<Object::Ptr>()->get("errors");
    if (errors.type() == typeid(Object::Ptr)) {  // seen in the wild: one error, not an array
        return errors_of_object(errors.extract<Object::Ptr>());
    }
    if (errors.type() != typeid(Array::Ptr)) {
        return std::nullopt;
    }
    const Array::Ptr array = errors.extract<Array::Ptr>();
    std::vector<ApiError> out;
    for (std::size_t i = 0; i < array->size() && out.size() < kMaxApiErrorsKept; ++i) {
        const Var entry = array->get(static_cast<unsigned>(i));
        if (entry.type() != typeid(Object::Ptr)) {
            continue;
        }
        if (auto error = api_error_of(entry.extract<Object::Ptr>())) {
            out.push_back(std::move(*error));
        }
    }
    return out;
}

RequestSubject resend_subject(int64_t domain_id) {
    return RequestSubject{"domain " + std::to_string(domain_id), "resend DCV emails for", "resend"};
}

TaskError map_http_error(const HttpResponse& response, int64_t domain_id) {
    return map_http_error(response, resend_subject(domain_id));
}

TaskError map_http_error(const HttpResponse& response, const RequestSubject& subject) {
    TaskError error;
    error.http_status = response.status;
    const auto api_errors =
        response.body_truncated ? std::nullopt : parse_digicert_errors(response.body);
    if (api_errors) {
        error.api_errors = *api_errors;
    }
    error.kind =
        refine_by_code(kind_for_status(response.status), response.status, error.api_errors);
    error.retryable = is_retryable_status(response.status);
    error.msg = what_happened(error.kind, response.status, subject, response);
    if (response.status >= 300 && response.status < 400) {
        error.field = "connection.base_url";
    }
    if (is_unknown_route(error.api_errors)) {
        error.kind = ErrorKind::kInvalidInput;
        error.retryable = false;
        error.field = "connection.base_url";
        error.msg = "DigiCert has no such path (" + std::to_string(response.status) +
                    " not_found|route) for the " + subject.request + " of " + subject.what +
                    ": connection.base_url is wrong; it must end in /services/v2 (e.g. "
                    "https://www.digicert.com/services/v2), or use connection.region";
    }
    if (!error.api_errors.empty()) {
        const ApiError& first = error.api_errors.front();
        error.msg += " [" + first.code + (first.message.empty() ? "" : ": " + first.message) + "]";
    } else if (!api_errors) {
        error.body_excerpt = body_excerpt(response.body);
        const bool html = response.content_type.find("html") != std::string::npos ||
                          error.body_excerpt.rfind("<", 0) == 0;
        if (response.body.empty()) {
            error.msg += "; the body was empty, not DigiCert JSON";
        } else if (html) {
            error.msg +=
                "; the body was an HTML page, not DigiCert JSON (likely a proxy or load "
                "balancer; see details.body_excerpt)";
        } else {
            error.msg += std::string("; the body was not DigiCert JSON") +
                         (response.body_truncated ? " (and larger than 64 KiB)" : "") +
                         " (see details.body_excerpt)";
        }
    }
    return error;
}

TaskError map_transport_failure(const TransportFailure& failure) {
    TaskError error;
    switch (failure.kind) {
        case TransportFailureKind::kTls:
            error.kind = ErrorKind::kTls;
            break;
        case TransportFailureKind::kTimeout:
            error.kind = ErrorKind::kTimeout;
            break;
        default:
            error.kind = ErrorKind::kNetwork;
            break;
    }
    error.msg = failure.msg;
    error.retryable = is_retryable_failure(failure);
    return error;
}

}  // namespace digicert_dcv
