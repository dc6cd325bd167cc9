// One rolling window of a rate limit ("at most `requests` per `per`"), and where an execution's
// windows come from: the plugin's describe ("rate_limits": [{"scope","requests","per_seconds"}])
// unless the account overrides them in the host config ("rate_limits": [...]).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace taskhost {

struct AccountConfig;
struct TaskDescription;

struct RateWindow {
    int64_t requests = 0;  // 0: the window is off
    std::chrono::milliseconds per{0};
};

// The account's override when it has one, else what the task describes. A describe entry that
// is malformed (not an object, a non-positive count) is skipped: the plugin validated its own
// describe, and a host that paces a little less is still correct because the plugin reports
// 429 through `throttled`.
std::vector<RateWindow> rate_windows_for(const TaskDescription& task, const AccountConfig& account);

// "20/1s, 100/10s": for messages and the benchmark's report.
std::string describe_windows(const std::vector<RateWindow>& windows);

}  // namespace taskhost
