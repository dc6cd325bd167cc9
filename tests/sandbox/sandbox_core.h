// Everything the connection threads of one sandbox share. Built once by SandboxServer; each
// member guards itself, so handlers use it without further locking.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "certcentral_routes.h"
#include "connection_registry.h"
#include "fault_plan.h"
#include "rate_limiter.h"
#include "request_log.h"
#include "sandbox_server.h"

namespace sandbox {

class SandboxCore {
  public:
    explicit SandboxCore(const SandboxOptions& options);

    const std::optional<int> retry_after_seconds;
    const std::function<void(const AcceptedResend&)> on_resend;
    RequestLog log;
    FaultPlan faults;
    RateLimiter limiter;
    const CertCentralRoutes routes;
    ConnectionRegistry connections;

    // Waits `delay` (a latency or stall fault) unless the sandbox stops first, so a stopping
    // sandbox never waits out a long stall. false: it is stopping.
    bool pause(std::chrono::milliseconds delay);
    void begin_stop();

  private:
    std::mutex stop_mutex_;
    std::condition_variable stop_signal_;
    bool stopping_ = false;
};

}  // namespace sandbox
