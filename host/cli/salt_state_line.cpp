#include "cli/salt_state_line.h"

#include "util/bounded_json.h"

namespace taskhost {

std::string salt_state_line(const Poco::JSON::Object::Ptr& outcome) {
    const Poco::Dynamic::Var changed = outcome->get("changed");
    const Poco::Dynamic::Var failed = outcome->get("failed");
    const bool is_changed = changed.isBoolean() && changed.extract<bool>() &&
                            !(failed.isBoolean() && failed.extract<bool>());
    const Poco::Dynamic::Var msg = outcome->get("msg");
    // One line, printable (control characters, newlines included, replaced), bounded.
    const std::string text = printable(msg.isString() ? msg.extract<std::string>() : "", 2000);
    std::string comment;
    for (const char c : text) {
        if (c == '\\' || c == '"') {
            comment += '\\';
        }
        comment += c;
    }
    return std::string("changed=") + (is_changed ? "yes" : "no") + " comment=\"" + comment + "\"";
}

}  // namespace taskhost
