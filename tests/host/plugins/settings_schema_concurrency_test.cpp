// Workers check settings against a plugin's schema at the same time (every task of an apply or of
// the daemon does). std::regex narrows characters through a shared, lazily filled ctype cache;
// run under ThreadSanitizer this test is what shows that the checker keeps those writes off the
// workers' paths (a race halts the process there).
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "plugins/settings_schema.h"

namespace taskhost {
namespace {

// Parsed by Poco directly: the checker, not the host's bounded reader, is what runs at once.
Poco::JSON::Object::Ptr json(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

// Each round's pattern is new, so every round compiles; \b and [[:alpha:]] narrow characters
// while compiling and \b again while matching.
std::string schema_for(int round) {
    return R"({"type": "object", "properties": {"v": {"type": "string", "pattern": )"
           R"("^\\b[[:alpha:]]+\\w*-)" +
           std::to_string(round) + R"($"}}})";
}

TEST(SettingsSchemaConcurrency, WorkersCheckingAtOnceAgreeAndDoNotRace) {
    constexpr int kWorkers = 8;
    constexpr int kRounds = 40;
    SettingsSource source;
    source.file = "/etc/c.json";
    source.json_path = "$.accounts.one";
    source.base_dir = "/etc";
    std::vector<Poco::JSON::Object::Ptr> schemas;
    for (int round = 0; round < kRounds; ++round) {
        schemas.push_back(json(schema_for(round)));
    }
    std::atomic<int> ready{0};
    std::atomic<int> accepted{0};
    std::atomic<int> refused{0};
    std::vector<std::thread> workers;
    for (int w = 0; w < kWorkers; ++w) {
        workers.emplace_back([&] {
            ready.fetch_add(1);
            while (ready.load() < kWorkers) {
                std::this_thread::yield();
            }
            for (int round = 0; round < kRounds; ++round) {
                const std::string good = "abc_d-" + std::to_string(round);
                const std::string bad = "9abc-" + std::to_string(round);
                const auto yes =
                    check_settings(json(R"({"v": ")" + good + R"("})"), schemas[round], source);
                const auto no =
                    check_settings(json(R"({"v": ")" + bad + R"("})"), schemas[round], source);
                (yes.ok() ? accepted : refused).fetch_add(1);
                (no.ok() ? accepted : refused).fetch_add(1);
            }
        });
    }
    for (std::thread& worker : workers) {
        worker.join();
    }
    EXPECT_EQ(accepted.load(), kWorkers * kRounds);
    EXPECT_EQ(refused.load(), kWorkers * kRounds);
}

}  // namespace
}  // namespace taskhost
