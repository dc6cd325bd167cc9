#include "sandbox_core.h"

namespace sandbox {

SandboxCore::SandboxCore(const SandboxOptions& options)
    : retry_after_seconds(options.retry_after_seconds),
      on_resend(options.on_resend),
      log(options.max_recorded_requests),
      limiter(options.short_window, options.long_window, options.lockout),
      routes(options.base_path, options.domains, options.keys, options.dcv_email_preferences,
             options.start_time.value_or(std::chrono::system_clock::now())) {}

bool SandboxCore::pause(std::chrono::milliseconds delay) {
    std::unique_lock<std::mutex> lock(stop_mutex_);
    return !stop_signal_.wait_for(lock, delay, [this] { return stopping_; });
}

void SandboxCore::begin_stop() {
    {
        std::lock_guard<std::mutex> lock(stop_mutex_);
        stopping_ = true;
    }
    stop_signal_.notify_all();
}

}  // namespace sandbox
