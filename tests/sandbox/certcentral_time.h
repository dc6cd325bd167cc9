// How CertCentral writes times and dates in the domain endpoints' answers.
#pragma once

#include <chrono>
#include <string>

namespace sandbox {

// "2024-05-17T22:47:52+00:00": UTC, the form CertCentral uses for its datetimes.
std::string iso_utc(std::chrono::system_clock::time_point at);

// "2024-05-17": the day in US Mountain time, the form of dcv_expiration{ov,ev} by default.
// The sandbox uses a fixed UTC-7 and ignores daylight saving time (a guess: DigiCert says
// "Mountain time" and nothing about DST).
std::string mountain_date(std::chrono::system_clock::time_point at);

}  // namespace sandbox
