// The exact HTTP request a DcvResendSpec turns into: what goes on the wire, and (with the key
// redacted) what a dry run and every outcome show.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "dcv_resend_spec.h"

namespace digicert_dcv {

inline constexpr const char* kUserAgent = "taskhost-digicert-dcv/0.1.0";
inline constexpr const char* kApiKeyHeader = "X-DC-DEVKEY";
inline constexpr const char* kRedacted = "[redacted]";

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct DcvResendRequest {
    std::string method;  // "PUT"
    std::string url;     // https://host[:port]{base path}/domain/{id}/dcv/emails
    std::string host;    // where to connect
    uint16_t port = 443;
    std::string target;  // the request target: path only, no query
    std::string body;    // JSON with only the fields the spec gave; "{}" when none
    std::string api_key;

    // Content-Type, Accept, User-Agent, Content-Length and X-DC-DEVKEY, in that order. With
    // `redact_key` the key header says "[redacted]" (or is left out when there is no key).
    HttpHeaders headers(bool redact_key) const;
};

DcvResendRequest build_dcv_resend_request(const DcvResendSpec& spec);

}  // namespace digicert_dcv
