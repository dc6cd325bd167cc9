#include "ledger/utc_time.h"

#include <cstdio>
#include <ctime>

namespace taskhost {

std::string format_utc(WallClock::time_point at) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch());
    const std::time_t seconds = static_cast<std::time_t>(ms.count() / 1000);
    std::tm parts{};
    ::gmtime_r(&seconds, &parts);
    char text[96];
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900,
                  parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec,
                  static_cast<int>(ms.count() % 1000));
    return text;
}

namespace {

// "YYYY-MM-DDTHH:MM:SS.mmmZ" character by character: digits where digits go (sscanf alone
// would take a sign or a blank there, and a year of -999 is outside what the clock can hold).
bool has_utc_shape(const std::string& text) {
    static const char kShape[] = "dddd-dd-ddTdd:dd:dd.dddZ";
    if (text.size() != sizeof kShape - 1) {
        return false;
    }
    for (size_t i = 0; i < text.size(); ++i) {
        const bool ok =
            kShape[i] == 'd' ? (text[i] >= '0' && text[i] <= '9') : text[i] == kShape[i];
        if (!ok) {
            return false;
        }
    }
    return true;
}

// The years a time point of the system clock (nanoseconds in 64 bits: 1677-2262) holds with room.
constexpr int kFirstYear = 1970;
constexpr int kLastYear = 2200;

}  // namespace

std::optional<WallClock::time_point> parse_utc(const std::string& text) {
    std::tm parts{};
    int millis = 0;
    int consumed = 0;
    if (!has_utc_shape(text) ||
        std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ%n", &parts.tm_year, &parts.tm_mon,
                    &parts.tm_mday, &parts.tm_hour, &parts.tm_min, &parts.tm_sec, &millis,
                    &consumed) != 7 ||
        consumed != 24 || parts.tm_year < kFirstYear || parts.tm_year > kLastYear) {
        return std::nullopt;
    }
    parts.tm_year -= 1900;
    parts.tm_mon -= 1;
    const std::tm written = parts;
    const std::time_t seconds = ::timegm(&parts);  // normalises 02-30 into 03-02: refuse that
    if (seconds == static_cast<std::time_t>(-1) || parts.tm_mday != written.tm_mday ||
        parts.tm_mon != written.tm_mon || parts.tm_hour != written.tm_hour ||
        parts.tm_min != written.tm_min || parts.tm_sec != written.tm_sec) {
        return std::nullopt;
    }
    return WallClock::time_point(std::chrono::seconds(seconds) + std::chrono::milliseconds(millis));
}

int64_t to_epoch_ms(WallClock::time_point at) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
}

WallClock::time_point from_epoch_ms(int64_t ms) {
    return WallClock::time_point(
        std::chrono::duration_cast<WallClock::duration>(std::chrono::milliseconds(ms)));
}

}  // namespace taskhost
