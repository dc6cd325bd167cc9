// Remembers which domain id a name resolved to, process-wide, so a manifest run that names the
// same domain in many tasks looks it up once. Entries are keyed by base URL, a hash of the API
// key (never the key: two keys may see different domains) and the lower-cased name; they expire
// after a TTL (a domain can be deleted or re-added) and the cache is bounded in size. Only
// unique resolutions are kept: "not found" and "ambiguous" are looked up again next time, after
// the user has had a chance to fix them.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace digicert_dcv {

struct CachedDomain {
    int64_t id = 0;
    std::string name;  // as DigiCert lists it
};

class DomainNameCache {
  public:
    using TimePoint = std::chrono::steady_clock::time_point;
    using Clock = std::function<TimePoint()>;

    // The process-wide cache: 4096 names, 10 minutes, the real clock.
    static DomainNameCache& shared();
    DomainNameCache(std::size_t capacity, std::chrono::milliseconds ttl, Clock clock);

    static std::string key_for(std::string_view base_url, std::string_view api_key,
                               std::string_view name);

    std::optional<CachedDomain> find(const std::string& key);
    void remember(const std::string& key, CachedDomain domain);
    std::size_t size() const;

  private:
    struct Entry {
        CachedDomain domain;
        TimePoint expires;
    };
    void make_room(TimePoint now);  // mutex_ held

    const std::size_t capacity_;
    const std::chrono::milliseconds ttl_;
    const Clock clock_;
    mutable std::mutex mutex_;
    std::map<std::string, Entry> entries_;
};

}  // namespace digicert_dcv
