// What the sandbox saw and did: every request as received, every resend it accepted, and the
// counters tests assert on. Shared by all connection threads, so every member locks.
// Both logs are deques trimmed from the front, so a full log costs O(1) per new entry: a long
// benchmark never slows the sandbox down as the log fills.
#pragma once

#include <cstddef>
#include <deque>
#include <mutex>
#include <vector>

#include "sandbox_server.h"

namespace sandbox {

class RequestLog {
  public:
    // Oldest requests (and resends) are dropped past `max_requests`, so a long benchmark run
    // cannot eat the machine's memory; tests stay far below it. counters() counts them all.
    explicit RequestLog(size_t max_requests) : max_requests_(max_requests) {}

    void record_request(RecordedRequest request);
    void record_resend(AcceptedResend resend);
    void count_rate_limited();
    void count_connection();

    std::vector<RecordedRequest> requests() const;
    std::vector<AcceptedResend> resends() const;
    size_t rate_limited() const;
    size_t connections() const;
    SandboxCounters counters() const;  // totals since the start or the last reset()
    void reset();

  private:
    const size_t max_requests_;
    mutable std::mutex mutex_;
    std::deque<RecordedRequest> requests_;
    std::deque<AcceptedResend> resends_;
    SandboxCounters counters_;
};

}  // namespace sandbox
