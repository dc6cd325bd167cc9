#include "pacing/rate_window.h"

namespace taskhost {

std::string describe_windows(const std::vector<RateWindow>& windows) {
    if (windows.empty()) {
        return "no limit";
    }
    std::string text;
    for (const RateWindow& window : windows) {
        if (!text.empty()) {
            text += ", ";
        }
        const auto ms = window.per.count();
        text += std::to_string(window.requests) + "/" +
                (ms % 1000 == 0 ? std::to_string(ms / 1000) + "s" : std::to_string(ms) + "ms");
    }
    return text;
}

}  // namespace taskhost
