// Wall-clock times as the ledger writes and shows them: milliseconds since the epoch in the
// database, "2025-01-31T12:00:00.250Z" for people and JSON.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace taskhost {

using WallClock = std::chrono::system_clock;

std::string format_utc(WallClock::time_point at);
// nullopt when `text` is not exactly that shape ("2026-11-01T12:30:05.250Z", a real date, its
// year from 1970 to 2200).
std::optional<WallClock::time_point> parse_utc(const std::string& text);

int64_t to_epoch_ms(WallClock::time_point at);
WallClock::time_point from_epoch_ms(int64_t ms);

}  // namespace taskhost
