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

void send_json(HttpAnswer& answer, int http_status, const std::string& body,
               const std::map<std::string, std::string>& headers) {
    answer.status = http_status;
    answer.content_type = "application/json";
    answer.headers.assign(headers.begin(), headers.end());
    answer.body = body + "\n";
}

void send_error(HttpAnswer& answer, const ApiError& error) {
    answer.close = true;
    send_json(answer, error.http_status, error_body(error), error.headers);
}

}  // namespace taskhost
