// Why a task did not succeed, as a value: what error_mapping, the client and the spec parser
// produce and the outcome writer renders as the outcome's "error" object.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace digicert_dcv {

enum class ErrorKind {
    kInvalidInput,
    kAuth,
    kPermission,
    kNotFound,
    kRateLimited,
    kServer,
    kNetwork,
    kTls,
    kTimeout,
    kCancelled,
    kPlugin,
    kInternal,
};

// The outcome's spelling of a kind: "invalid_input", "rate_limited", ...
const char* error_kind_name(ErrorKind kind);

// One entry of a DigiCert error body {"errors":[{"code","message"}]}, already sanitised.
struct ApiError {
    std::string code;  // the whole pipe-qualified code, e.g. "access_denied|missing_permission"
    std::string message;
};

struct TaskError {
    ErrorKind kind = ErrorKind::kInternal;
    std::string msg;         // one human line: what happened and what to do
    bool retryable = false;  // worth running again later (even if this run gave up)
    std::optional<int> http_status;
    std::vector<ApiError> api_errors;
    std::string field;         // invalid_input: the spec path, e.g. "params.domain_id"
    std::string body_excerpt;  // a response body that was not DigiCert JSON, sanitised
};

}  // namespace digicert_dcv
