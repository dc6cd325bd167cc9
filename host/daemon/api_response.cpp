#include "daemon/api_response.h"

#include <Poco/JSON/Object.h>

#include "util/bounded_json.h"

namespace taskhost {

std::string error_body(const ApiError& error) {
    using Poco::JSON::Object;
    Object::Ptr details = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    details->set("http_status", error.http_status);
    details->set("fix", error.fix);
    Object::Ptr inner = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    inner->set("kind", error.kind);
    inner->set("msg", error.msg);
    inner->set("retryable", error.retryable);
    inner->set("details", details);
    Object::Ptr body = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    body->set("status", "failed");
    body->set("changed", false);
    body->set("failed", true);
    body->set("msg", error.fix.empty() ? error.msg : error.msg + "; fix: " + error.fix);
    body->set("error", inner);
    return to_json(body);
}

void send_json(Poco::Net::HTTPServerResponse& response, int http_status, const std::string& body,
               const std::map<std::string, std::string>& headers) {
    // Poco 1.11 knows no reason phrase for 422 (it would say "OK"), and agents print it.
    const auto status = static_cast<Poco::Net::HTTPResponse::HTTPStatus>(http_status);
    response.setStatusAndReason(status, http_status == 422
                                            ? "Unprocessable Entity"
                                            : Poco::Net::HTTPResponse::getReasonForStatus(status));
    response.setContentType("application/json");
    for (const auto& header : headers) {
        response.set(header.first, header.second);
    }
    const std::string text = body + "\n";
    response.sendBuffer(text.data(), text.size());
}

void send_error(Poco::Net::HTTPServerResponse& response, const ApiError& error) {
    // What is left of the request's body, if anything, is not read: the connection ends with the
    // answer, so the rest cannot run as a request of its own.
    response.setKeepAlive(false);
    send_json(response, error.http_status, error_body(error), error.headers);
}

}  // namespace taskhost
