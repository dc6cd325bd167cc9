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
    while (requests_.size() > max_requests_) {
        requests_.pop_front();
    }
}

void RequestLog::record_resend(AcceptedResend resend) {
    std::lock_guard<std::mutex> lock(mutex_);
    resends_.push_back(std::move(resend));
    if (resends_.size() > max_requests_) {
        resends_.erase(resends_.begin());
    }
}

void RequestLog::count_rate_limited() {
    std::lock_guard<std::mutex> lock(mutex_);
    ++rate_limited_;
}

void RequestLog::count_connection() {
    std::lock_guard<std::mutex> lock(mutex_);
    ++connections_;
}

std::vector<RecordedRequest> RequestLog::requests() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return {requests_.begin(), requests_.end()};
}

std::vector<AcceptedResend> RequestLog::resends() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return resends_;
}

size_t RequestLog::rate_limited() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return rate_limited_;
}

size_t RequestLog::connections() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return connections_;
}

void RequestLog::reset() {
    std::lock_guard<std::mutex> lock(mutex_);
    requests_.clear();
    resends_.clear();
    rate_limited_ = 0;
    connections_ = 0;
}

}  // namespace sandbox
