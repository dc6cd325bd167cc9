#include "tasks/task_windows.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "util/bounded_json.h"

namespace taskhost {
namespace {

constexpr int64_t kMaxRequests = 1000000;
constexpr int64_t kMaxPerSeconds = 86400;
constexpr size_t kMaxWindows = 16;

bool read_positive(const Poco::JSON::Object::Ptr& entry, const std::string& key, int64_t max,
                   int64_t& out) {
    const Poco::Dynamic::Var value = entry->get(key);
    if (!value.isInteger() || value.isBoolean()) {
        return false;
    }
    try {
        out = value.convert<int64_t>();
    } catch (const Poco::Exception&) {
        return false;
    }
    return out > 0 && out <= max;
}

}  // namespace

std::vector<RateWindow> rate_windows_for(const TaskDescription& task,
                                         const AccountConfig& account) {
    std::vector<RateWindow> windows;
    if (account.rate_limits) {
        for (const RateLimitSetting& limit : *account.rate_limits) {
            windows.push_back(RateWindow{limit.requests, std::chrono::seconds(limit.per_seconds)});
        }
        return windows;
    }
    if (!task.raw || !is_json_array(task.raw->get("rate_limits"))) {
        return windows;
    }
    const Poco::JSON::Array::Ptr described = task.raw->getArray("rate_limits");
    for (size_t i = 0; i < described->size() && windows.size() < kMaxWindows; ++i) {
        if (!is_json_object(described->get(i))) {
            continue;
        }
        const Poco::JSON::Object::Ptr entry = described->getObject(static_cast<unsigned>(i));
        int64_t requests = 0;
        int64_t per_seconds = 0;
        if (read_positive(entry, "requests", kMaxRequests, requests) &&
            read_positive(entry, "per_seconds", kMaxPerSeconds, per_seconds)) {
            windows.push_back(RateWindow{requests, std::chrono::seconds(per_seconds)});
        }
    }
    return windows;
}

}  // namespace taskhost
