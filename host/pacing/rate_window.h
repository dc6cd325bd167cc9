// One rolling window of a rate limit: at most `requests` per `per`.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace taskhost {

struct RateWindow {
    int64_t requests = 0;  // 0: the window is off
    std::chrono::milliseconds per{0};
};

// "20/1s, 100/10s": for messages and the benchmark's report.
std::string describe_windows(const std::vector<RateWindow>& windows);

}  // namespace taskhost
