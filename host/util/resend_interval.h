// A manifest's resend_interval: how long after a resend the same task counts as done. Written
// as a sum of whole units, largest first: "24h", "90m", "1h30m", "7d", "0s" (0: every apply
// sends again).
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace taskhost {

constexpr std::chrono::seconds kDefaultResendInterval{24 * 3600};
constexpr std::chrono::seconds kMaxResendInterval{366 * 24 * 3600};

// nullopt when `text` is not such a duration or is longer than kMaxResendInterval.
std::optional<std::chrono::seconds> parse_resend_interval(const std::string& text);

// The shortest way to write `interval` back: 86400 s -> "1d", 5400 s -> "1h30m".
std::string format_resend_interval(std::chrono::seconds interval);

}  // namespace taskhost
