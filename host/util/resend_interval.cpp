#include "util/resend_interval.h"

#include <cstdint>

namespace taskhost {
namespace {

struct Unit {
    char symbol;
    int64_t seconds;
};

constexpr Unit kUnits[] = {{'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}};

}  // namespace

std::optional<std::chrono::seconds> parse_resend_interval(const std::string& text) {
    if (text.empty() || text.size() > 32) {
        return std::nullopt;
    }
    int64_t total = 0;
    size_t next_unit = 0;  // units must come largest first, each at most once
    size_t pos = 0;
    while (pos < text.size()) {
        int64_t number = 0;
        const size_t start = pos;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
            number = number * 10 + (text[pos] - '0');
            if (number > kMaxResendInterval.count()) {
                return std::nullopt;
            }
            ++pos;
        }
        if (pos == start || pos == text.size()) {
            return std::nullopt;  // a unit without a number, or a number without a unit
        }
        size_t unit = next_unit;
        while (unit < std::size(kUnits) && kUnits[unit].symbol != text[pos]) {
            ++unit;
        }
        if (unit == std::size(kUnits)) {
            return std::nullopt;
        }
        total += number * kUnits[unit].seconds;
        if (total > kMaxResendInterval.count()) {
            return std::nullopt;
        }
        next_unit = unit + 1;
        ++pos;
    }
    return std::chrono::seconds(total);
}

std::string format_resend_interval(std::chrono::seconds interval) {
    int64_t left = interval.count();
    if (left <= 0) {
        return "0s";
    }
    std::string text;
    for (const Unit& unit : kUnits) {
        if (left >= unit.seconds) {
            text += std::to_string(left / unit.seconds) + unit.symbol;
            left %= unit.seconds;
        }
    }
    return text;
}

}  // namespace taskhost
