#include "cli/daemon_answer.h"

#include "util/bounded_json.h"

namespace taskhost {

using Poco::JSON::Object;

Result<Object::Ptr> parse_daemon_answer(const DaemonAnswer& answer, const std::string& socket) {
    return parse_json_object(answer.body, JsonLimits{kMaxDaemonAnswerBytes, 64},
                             "answer of the daemon on " + socket);
}

std::string daemon_error_text(const Object::Ptr& body) {
    const Poco::Dynamic::Var error = body->get("error");
    if (is_json_object(error)) {
        const Poco::Dynamic::Var msg = error.extract<Object::Ptr>()->get("msg");
        if (msg.isString()) {
            return msg.extract<std::string>();
        }
    }
    const Poco::Dynamic::Var msg = body->get("msg");
    return msg.isString() ? msg.extract<std::string>() : "the daemon refused the request";
}

}  // namespace taskhost
