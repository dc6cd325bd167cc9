#include "tasks/plugin_answers.h"

#include <cstring>

namespace taskhost {
namespace {

constexpr const char* kOther = "other";

}  // namespace

std::string answer_route(const char* route) {
    if (route == nullptr) {
        return kOther;
    }
    // One byte past the limit is enough to tell a route that is too long.
    const size_t length = ::strnlen(route, kMaxRouteBytes + 1);
    if (length == 0 || length > kMaxRouteBytes) {
        return kOther;
    }
    for (size_t i = 0; i < length; ++i) {
        const auto byte = static_cast<unsigned char>(route[i]);
        if (byte < 0x20 || byte > 0x7e) {
            return kOther;
        }
    }
    return std::string(route, length);
}

std::string answer_status(int status) {
    if (status == 0 || (status >= 100 && status <= 599)) {
        return std::to_string(status);
    }
    return kOther;
}

}  // namespace taskhost
