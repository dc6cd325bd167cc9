#include "fault_plan.h"

namespace sandbox {
namespace {

bool ends_with(const std::string& text, const std::string& suffix) {
    return text.size() >= suffix.size() &&
           text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

void FaultPlan::add(FaultRule rule) {
    std::lock_guard<std::mutex> lock(mutex_);
    entries_.push_back(Entry{std::move(rule), 0});
}

void FaultPlan::clear() {
    std::lock_guard<std::mutex> lock(mutex_);
    entries_.clear();
    connection_resets_ = 0;
    connection_silences_ = 0;
}

void FaultPlan::reset_connections(int count) {
    std::lock_guard<std::mutex> lock(mutex_);
    connection_resets_ = count > 0 ? count : 0;
}

bool FaultPlan::take_connection_reset() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (connection_resets_ == 0) {
        return false;
    }
    --connection_resets_;
    return true;
}

void FaultPlan::silence_connections(int count, std::chrono::milliseconds hold) {
    std::lock_guard<std::mutex> lock(mutex_);
    connection_silences_ = count > 0 ? count : 0;
    silence_hold_ = hold;
}

std::optional<std::chrono::milliseconds> FaultPlan::take_connection_silence() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (connection_silences_ == 0) {
        return std::nullopt;
    }
    --connection_silences_;
    return silence_hold_;
}

std::optional<FaultRule> FaultPlan::next(const std::string& method, const std::string& path) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::optional<FaultRule> fired;
    for (Entry& entry : entries_) {
        const FaultRule& rule = entry.rule;
        if (!rule.method.empty() && rule.method != method) {
            continue;
        }
        if (!ends_with(path, rule.path_suffix)) {
            continue;
        }
        const long long number = entry.matched++;
        const bool in_window =
            number >= rule.skip &&
            (rule.count < 0 || number < static_cast<long long>(rule.skip) + rule.count);
        if (in_window && !fired) {
            fired = rule;
        }
    }
    return fired;
}

}  // namespace sandbox
