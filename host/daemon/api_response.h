// How the daemon's API answers: JSON bodies with a Content-Length. Every error body has the
// outcome's shape, so an agent reads it like any failed task:
//   {"failed": true, "changed": false, "msg": "...",
//    "error": {"kind": "...", "msg": "...", "retryable": false, "details": {"fix": "..."}}}
#pragma once

#include <map>
#include <string>

#include "daemon/http_message.h"

namespace taskhost {

struct ApiError {
    int http_status = 400;
    std::string kind;  // not_found, method_not_allowed, too_large, busy, shutting_down, ...
    std::string msg;
    std::string fix;
    bool retryable = false;
    std::map<std::string, std::string> headers;  // Retry-After, Allow, WWW-Authenticate
};

std::string error_body(const ApiError& error);

void send_json(HttpAnswer& answer, int http_status, const std::string& body,
               const std::map<std::string, std::string>& headers = {});
// Also ends the connection after the answer: what is left of the request's body, if anything,
// is never read, so the rest cannot run as a request of its own.
void send_error(HttpAnswer& answer, const ApiError& error);

}  // namespace taskhost
