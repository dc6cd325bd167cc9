#include "host_services.h"

#include <algorithm>
#include <cstdint>
#include <thread>

#include "printable_text.h"

namespace digicert_dcv {

void HostServices::log(taskhost_log_level level, const std::string& line) const {
    if (TASKHOST_HOST_HAS(host_, log) && host_->log != nullptr) {
        const std::string safe = redact(printable_excerpt(line, 1000), secret_);
        host_->log(host_->ctx, static_cast<int>(level), safe.c_str());
    }
}

bool HostServices::cancelled() const {
    return TASKHOST_HOST_HAS(host_, cancelled) && host_->cancelled != nullptr &&
           host_->cancelled(host_->ctx) != 0;
}

bool HostServices::offers_acquire() const {
    return TASKHOST_HOST_HAS(host_, acquire) && host_->acquire != nullptr;
}

bool HostServices::acquire(const std::string& bucket) const {
    return !offers_acquire() || host_->acquire(host_->ctx, bucket.c_str()) == 0;
}

void HostServices::throttled(const std::string& bucket,
                             std::chrono::milliseconds retry_after) const {
    if (TASKHOST_HOST_HAS(host_, throttled) && host_->throttled != nullptr) {
        const auto ms = std::clamp<int64_t>(retry_after.count(), 0, UINT32_MAX);
        host_->throttled(host_->ctx, bucket.c_str(), static_cast<uint32_t>(ms));
    }
}

bool HostServices::sleep_unless_cancelled(std::chrono::milliseconds duration) const {
    constexpr std::chrono::milliseconds kSlice{50};
    const auto until = std::chrono::steady_clock::now() + duration;
    for (;;) {
        if (cancelled()) {
            return false;
        }
        const auto now = std::chrono::steady_clock::now();
        if (now >= until) {
            return true;
        }
        std::this_thread::sleep_for(
            std::min<std::chrono::steady_clock::duration>(kSlice, until - now));
    }
}

}  // namespace digicert_dcv
