#include "domain_name_cache.h"

#include <Poco/String.h>

#include <algorithm>

#include "request_pacer.h"

namespace digicert_dcv {

DomainNameCache& DomainNameCache::shared() {
    static DomainNameCache cache(4096, std::chrono::minutes(10),
                                 [] { return std::chrono::steady_clock::now(); });
    return cache;
}

DomainNameCache::DomainNameCache(std::size_t capacity, std::chrono::milliseconds ttl, Clock clock)
    : capacity_(std::max<std::size_t>(capacity, 1)), ttl_(ttl), clock_(std::move(clock)) {}

std::string DomainNameCache::key_for(std::string_view base_url, std::string_view api_key,
                                     std::string_view name) {
    // The pacing bucket is already the key's hash: one way to name a key without the key.
    return std::string(base_url) + "\n" + pacing_bucket_for_key(api_key) + "\n" +
           Poco::toLower(std::string(name));
}

std::optional<CachedDomain> DomainNameCache::find(const std::string& key) {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = entries_.find(key);
    if (it == entries_.end()) {
        return std::nullopt;
    }
    if (it->second.expires <= clock_()) {
        entries_.erase(it);
        return std::nullopt;
    }
    return it->second.domain;
}

void DomainNameCache::remember(const std::string& key, CachedDomain domain) {
    std::lock_guard<std::mutex> lock(mutex_);
    const TimePoint now = clock_();
    entries_.erase(key);
    make_room(now);
    entries_.emplace(key, Entry{std::move(domain), now + ttl_});
}

std::size_t DomainNameCache::size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return entries_.size();
}

void DomainNameCache::make_room(TimePoint now) {
    if (entries_.size() < capacity_) {
        return;
    }
    for (auto it = entries_.begin(); it != entries_.end();) {
        it = it->second.expires <= now ? entries_.erase(it) : std::next(it);
    }
    // Still full: the entry closest to expiry (the oldest, as every entry has the same TTL) goes.
    while (entries_.size() >= capacity_) {
        const auto oldest = std::min_element(
            entries_.begin(), entries_.end(),
            [](const auto& a, const auto& b) { return a.second.expires < b.second.expires; });
        entries_.erase(oldest);
    }
}

}  // namespace digicert_dcv
