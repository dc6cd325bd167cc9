// The faults a test asked for, and which request each one hits.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "sandbox_server.h"

namespace sandbox {

class FaultPlan {
  public:
    void add(FaultRule rule);
    void clear();

    // Called once per request, in arrival order. Every rule that matches the request counts
    // it, so a rule's numbering ("the 2nd PUT") does not depend on the other rules; the first
    // rule, in the order added, whose [skip, skip + count) window holds this request fires.
    std::optional<FaultRule> next(const std::string& method, const std::string& path);

    // Connection-level: the next `count` accepted connections are reset before anything else.
    void reset_connections(int count);
    // Called once per accepted connection: true when this one is to be reset.
    bool take_connection_reset();

    // Connection-level: the next `count` accepted connections are held silent for `hold`.
    void silence_connections(int count, std::chrono::milliseconds hold);
    // Called once per accepted connection: how long to hold this one silent, if it is to be.
    std::optional<std::chrono::milliseconds> take_connection_silence();

  private:
    struct Entry {
        FaultRule rule;
        long long matched = 0;
    };
    std::mutex mutex_;
    std::vector<Entry> entries_;
    int connection_resets_ = 0;
    int connection_silences_ = 0;
    std::chrono::milliseconds silence_hold_{0};
};

}  // namespace sandbox
