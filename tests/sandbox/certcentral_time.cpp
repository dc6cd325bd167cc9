#include "certcentral_time.h"

#include <Poco/DateTimeFormatter.h>
#include <Poco/Timestamp.h>

namespace sandbox {
namespace {

constexpr auto kMountainOffset = std::chrono::hours(-7);  // MST; DST ignored (see header)

Poco::Timestamp timestamp_of(std::chrono::system_clock::time_point at) {
    return Poco::Timestamp(
        std::chrono::duration_cast<std::chrono::microseconds>(at.time_since_epoch()).count());
}

}  // namespace

std::string iso_utc(std::chrono::system_clock::time_point at) {
    return Poco::DateTimeFormatter::format(timestamp_of(at), "%Y-%m-%dT%H:%M:%S+00:00");
}

std::string mountain_date(std::chrono::system_clock::time_point at) {
    return Poco::DateTimeFormatter::format(timestamp_of(at + kMountainOffset), "%Y-%m-%d");
}

}  // namespace sandbox
