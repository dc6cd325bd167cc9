// One HTTP request to CertCentral exactly as it goes on the wire: the resend (PUT) and the
// read-only pre-flight reads (GET) share this shape, the client that sends it and the outcome
// writer that shows it with the key redacted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dcv_resend_spec.h"
#include "secret_string.h"

namespace digicert_dcv {

inline constexpr const char* kUserAgent = "taskhost-digicert-dcv/0.1.0";
inline constexpr const char* kApiKeyHeader = "X-DC-DEVKEY";
inline constexpr const char* kRedacted = "[redacted]";
// What the client keeps of a response body unless a request asks for more.
inline constexpr std::size_t kMaxResponseBody = 64 * 1024;

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct CertCentralRequest {
    std::string method;  // "PUT", "GET"
    std::string url;     // https://host[:port]{base path}{path}[?query]
    std::string host;    // where to connect
    uint16_t port = 443;
    std::string target;    // the request target: path and query
    std::string body;      // JSON for a PUT; empty for a GET
    SecretString api_key;  // wiped with the request (and with every copy of it)
    // A larger answer is cut there (and reported as truncated): a domain search may list many.
    std::size_t max_response_body = kMaxResponseBody;
    // The endpoint as the host's metrics name it (taskhost_host.answered): the method and the
    // path with every variable segment "{id}" and no query, e.g. "PUT /domain/{id}/dcv/emails".
    std::string route;

    // A GET carries no body, so no Content-Type or Content-Length.
    bool has_body() const { return method != "GET"; }

    // Content-Type, Accept, User-Agent, Content-Length and X-DC-DEVKEY, in that order (the
    // body headers only when has_body()). With `redact_key` the key header says "[redacted]"
    // (or is left out when there is no key). Without it the key is copied into a plain
    // std::string that nothing wipes: for inspection in tests only. The client never does;
    // it renders the key into the wire bytes itself (secret_wire_request.h).
    HttpHeaders headers(bool redact_key) const;
};

// A GET of `path_and_query` (starting with '/', already percent-encoded) under the base URL.
CertCentralRequest build_certcentral_get(const ConnectionSettings& connection,
                                         const std::string& path_and_query);

// The route of `method` on `path_and_query` (relative to the base URL): the query dropped and
// every path segment that is not only lowercase letters, '_' or '-' replaced by "{id}", so no id,
// name or other value of a request ever reaches the host's metrics.
std::string route_template(const std::string& method, std::string_view path_and_query);

// Percent-encodes everything but RFC 3986 unreserved characters, for a query value.
std::string percent_encode(std::string_view text);

}  // namespace digicert_dcv
