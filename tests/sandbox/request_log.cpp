#include "request_log.h"

#include <Poco/String.h>

namespace sandbox {

std::string RecordedRequest::header(const std::string& name) const {
    for (const auto& [key, value] : headers) {
        if (Poco::icompare(key, name) == 0) {
            return value;
        }
    }
    return "";
}

void RequestLog::record_request(RecordedRequest request) {
    std::lock_guard<std::mutex> lock(mutex_);
    requests_.push_back(std::move(request));
    ++counters_.requests;
    while (requests_.size() > max_requests_) {
        requests_.pop_front();
    }
}

void RequestLog::record_resend(AcceptedResend resend) {
    std::lock_guard<std::mutex> lock(mutex_);
    resends_.push_back(std::move(resend));
    ++counters_.resends;
    while (resends_.size() > max_requests_) {
        resends_.pop_front();
    }
}

void RequestLog::count_rate_limited() {
    std::lock_guard<std::mutex> lock(mutex_);
    ++counters_.rate_limited;
}

void RequestLog::count_connection() {
    std::lock_guard<std::mutex> lock(mutex_);
    ++counters_.connections;
}

std::vector<RecordedRequest> RequestLog::requests() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return {requests_.begin(), requests_.end()};
}

std::vector<AcceptedResend> RequestLog::resends() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return {resends_.begin(), resends_.end()};
}

size_t RequestLog::rate_limited() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return counters_.rate_limited;
}

size_t RequestLog::connections() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return counters_.connections;
}

SandboxCounters RequestLog::counters() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return counters_;
}

void RequestLog::reset() {
    std::lock_guard<std::mutex> lock(mutex_);
    requests_.clear();
    resends_.clear();
    counters_ = SandboxCounters{};
}

}  // namespace sandbox
