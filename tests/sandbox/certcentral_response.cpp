#include "certcentral_response.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <sstream>

namespace sandbox {

SandboxResponse json_response(int status, std::string body) {
    SandboxResponse response;
    response.status = status;
    response.body = std::move(body);
    return response;
}

SandboxResponse error_response(int status, const std::string& code, const std::string& message) {
    Poco::JSON::Object::Ptr error = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    error->set("code", code);
    error->set("message", message);
    Poco::JSON::Array::Ptr errors = new Poco::JSON::Array;
    errors->add(error);
    Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
    body.set("errors", errors);
    std::ostringstream out;
    body.stringify(out);
    return json_response(status, out.str());
}

SandboxResponse default_error_response(int status) {
    switch (status) {
        case 400:
            return error_response(status, "bad_request_format", "The request is malformed.");
        case 401:
            return error_response(status, "invalid_api_key", "The API key is not valid.");
        case 403:
            return error_response(status, "access_denied|missing_permission",
                                  "You do not have permission to perform this action.");
        case 404:
            return error_response(status, "not_found", "The requested item was not found.");
        case 429:
            return rate_limited_response();
        default:
            break;
    }
    if (status >= 500) {
        return error_response(status, "server_error",
                              "An internal error occurred. Please try again later.");
    }
    return error_response(status, "error", "The request could not be completed.");
}

SandboxResponse rate_limited_response() {
    return error_response(429, "request_limit_exceeded",
                          "Service unavailable, please limit request volume");
}

}  // namespace sandbox
