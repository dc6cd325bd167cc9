// The faults a test asked for, and which request each one hits.
#pragma once

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

  private:
    struct Entry {
        FaultRule rule;
        long long matched = 0;
    };
    std::mutex mutex_;
    std::vector<Entry> entries_;
};

}  // namespace sandbox
