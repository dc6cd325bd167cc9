// Turns what CertCentral answered (or how the connection failed) into a TaskError: the kind by
// HTTP status family (refined by DigiCert's error code family), every errors[] entry kept, and
// a message that says what to do. Bodies that are not DigiCert JSON are handled too.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "certcentral_client.h"
#include "task_error.h"

namespace digicert_dcv {

inline constexpr std::size_t kMaxErrorBodyDepth = 8;
inline constexpr std::size_t kMaxApiErrorsKept = 50;
inline constexpr std::size_t kBodyExcerptChars = 200;

// The errors of a DigiCert error body {"errors":[{"code","message"}]}; nullopt when the body is
// not that shape (empty, HTML, other JSON, too deep or larger than kMaxResponseBody).
std::optional<std::vector<ApiError>> parse_digicert_errors(std::string_view body);

// The family of a pipe-qualified code: "access_denied|missing_permission" -> "access_denied".
std::string_view code_family(std::string_view code);

// The first kBodyExcerptChars printable characters, whitespace runs folded to one space.
std::string body_excerpt(std::string_view body);

// What a request was about, for the messages: "the API key may not <action> <what>",
// "DigiCert rejected the <request> for <what>".
struct RequestSubject {
    std::string what;     // "domain 1234567", "the domain search for example.com"
    std::string action;   // "resend DCV emails for", "read"
    std::string request;  // "resend", "domain search"
};

// The subject of the resend of `domain_id`.
RequestSubject resend_subject(int64_t domain_id);

// A non-2xx response, explained for `subject`.
TaskError map_http_error(const HttpResponse& response, const RequestSubject& subject);

// A non-2xx response for the resend of `domain_id`.
TaskError map_http_error(const HttpResponse& response, int64_t domain_id);

TaskError map_transport_failure(const TransportFailure& failure);

}  // namespace digicert_dcv
