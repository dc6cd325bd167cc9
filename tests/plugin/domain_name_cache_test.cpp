// The process-wide name -> id cache, on a fake clock: keyed without the key itself, entries
// expire after the TTL, and the size stays bounded.
#include <gtest/gtest.h>

#include <chrono>

#include "domain_name_cache.h"

namespace {

using namespace digicert_dcv;
using std::chrono::minutes;

struct FakeClock {
    DomainNameCache::TimePoint now{};
    DomainNameCache::Clock clock() {
        return [this] { return now; };
    }
};

TEST(DomainNameCache, RemembersUntilTheTtlPasses) {
    FakeClock time;
    DomainNameCache cache(16, minutes(10), time.clock());
    const std::string key = DomainNameCache::key_for("https://x.example/v2", "KEY-1", "a.example");
    EXPECT_FALSE(cache.find(key).has_value());
    cache.remember(key, CachedDomain{42, "a.example"});
    time.now += minutes(9);
    ASSERT_TRUE(cache.find(key).has_value());
    EXPECT_EQ(cache.find(key)->id, 42);
    time.now += minutes(1);
    EXPECT_FALSE(cache.find(key).has_value());
    EXPECT_EQ(cache.size(), 0u);
}

TEST(DomainNameCache, KeysSeparateBaseUrlsKeysAndNamesButNotLetterCase) {
    const std::string key = DomainNameCache::key_for("https://x.example/v2", "KEY-1", "A.Example");
    EXPECT_EQ(key, DomainNameCache::key_for("https://x.example/v2", "KEY-1", "a.example"));
    EXPECT_NE(key, DomainNameCache::key_for("https://y.example/v2", "KEY-1", "a.example"));
    EXPECT_NE(key, DomainNameCache::key_for("https://x.example/v2", "KEY-2", "a.example"));
    EXPECT_NE(key, DomainNameCache::key_for("https://x.example/v2", "KEY-1", "b.example"));
    EXPECT_EQ(key.find("KEY-1"), std::string::npos) << "the cache key holds the API key";
}

TEST(DomainNameCache, StaysBoundedByDroppingTheOldest) {
    FakeClock time;
    DomainNameCache cache(3, minutes(10), time.clock());
    for (int i = 0; i < 5; ++i) {
        cache.remember("k" + std::to_string(i), CachedDomain{i + 1, "n"});
        time.now += std::chrono::seconds(1);
    }
    EXPECT_EQ(cache.size(), 3u);
    EXPECT_FALSE(cache.find("k0").has_value());
    EXPECT_FALSE(cache.find("k1").has_value());
    EXPECT_TRUE(cache.find("k4").has_value());
}

}  // namespace
