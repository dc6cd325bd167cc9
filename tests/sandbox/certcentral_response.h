// What the sandbox answers, and CertCentral's error body shape:
//   {"errors":[{"code":"family|detail","message":"..."}]}
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace sandbox {

struct SandboxResponse {
    int status = 200;
    std::string body;  // sent with Content-Length, always (keep-alive depends on it)
    std::string content_type = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;
};

SandboxResponse json_response(int status, std::string body);
SandboxResponse error_response(int status, const std::string& code, const std::string& message);

// A DigiCert-shaped error for a status a fault asked for without a body. The codes for 429,
// 404, 403 and 400 are documented by DigiCert; 401's is DigiCert ONE's (unconfirmed for
// CertCentral); 5xx bodies are not documented at all and are our guess.
SandboxResponse default_error_response(int status);

// The one message DigiCert documents for its lockout.
SandboxResponse rate_limited_response();

}  // namespace sandbox
