// One loaded plugin under load: keep-alive sessions are reused across tasks, many threads
// executing at once all succeed with exactly one accepted resend each, and so do many threads
// making the first handshakes through a trust configuration at once.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "plugin_test_support.h"

namespace {

using namespace dcv_plugin_test;

TEST(Concurrency, SequentialTasksReuseKeepAliveConnections) {
    sandbox::SandboxServer server(sandbox_options());  // fresh: its connection count starts at 0
    RecordingHost host;
    host.offer_pacing();
    constexpr int kTasks = 20;
    for (int i = 0; i < kTasks; ++i) {
        const Execution e = execute(resend_spec(server), host);
        ASSERT_EQ(status_of(e), "succeeded") << e.raw;
    }
    EXPECT_EQ(server.accepted_resends().size(), static_cast<size_t>(kTasks));
    EXPECT_LE(server.connections_accepted(), 3u) << "expected far fewer TLS connections than tasks";
}

TEST(Concurrency, EightThreadsTimesFiftyExecutionsAllSucceed) {
    sandbox::SandboxServer server(sandbox_options());
    constexpr int kThreads = 8;
    constexpr int kPerThread = 50;
    const std::string spec = resend_spec(server);
    std::atomic<int> succeeded{0};
    std::atomic<int> wrong_emit_count{0};
    std::atomic<int> nonzero_rc{0};
    std::vector<std::thread> threads;
    // The host paces (as taskhost does): the plugin's own pacer would hold 400 requests on one
    // key to 100 per 5 s.
    std::vector<std::unique_ptr<RecordingHost>> hosts;
    for (int t = 0; t < kThreads; ++t) {
        hosts.push_back(std::make_unique<RecordingHost>());
        hosts.back()->offer_pacing();
    }
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kPerThread; ++i) {
                const Execution e = execute(spec, *hosts[t]);
                wrong_emit_count += e.emit_count == 1 ? 0 : 1;
                nonzero_rc += e.rc == 0 ? 0 : 1;
                succeeded += status_of(e) == "succeeded" ? 1 : 0;
            }
        });
    }
    for (std::thread& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(succeeded.load(), kThreads * kPerThread);
    EXPECT_EQ(wrong_emit_count.load(), 0);
    EXPECT_EQ(nonzero_rc.load(), 0);
    EXPECT_EQ(server.accepted_resends().size(), static_cast<size_t>(kThreads * kPerThread));
    int acquires = 0;
    for (const auto& host : hosts) {
        acquires += host->acquire_calls();
    }
    EXPECT_EQ(acquires, kThreads * kPerThread);
}

// Each round names a new ca_file (a copy of the sandbox CA), so the plugin builds a new TLS
// context and eight threads make its first handshakes at the same moment: the moment OpenSSL
// caches what it derives from the trust anchors. Under ThreadSanitizer this is the test that
// showed ASN1_STRING_cmp racing ASN1_STRING_set (see tls_context_cache.cpp).
TEST(Concurrency, FirstHandshakesThroughANewTrustConfigurationAtOnce) {
    sandbox::SandboxServer server(sandbox_options());
    const std::string base_spec = resend_spec(server);
    const std::string ca_file = server.ca_file();
    const TempDir dir;
    constexpr int kRounds = 6;
    constexpr int kThreads = 8;
    std::atomic<int> succeeded{0};
    for (int round = 0; round < kRounds; ++round) {
        const std::string copy = dir / ("ca-" + std::to_string(round) + ".pem");
        std::filesystem::copy_file(ca_file, copy);
        std::string spec = base_spec;
        spec.replace(spec.find(ca_file), ca_file.size(), copy);
        std::mutex mutex;
        std::condition_variable all_ready;
        int ready = 0;
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([&] {
                RecordingHost host;
                host.offer_pacing();
                {
                    std::unique_lock<std::mutex> lock(mutex);
                    ++ready;
                    all_ready.notify_all();
                    all_ready.wait(lock, [&] { return ready == kThreads; });
                }
                const Execution e = execute(spec, host);
                succeeded += status_of(e) == "succeeded" ? 1 : 0;
            });
        }
        for (std::thread& thread : threads) {
            thread.join();
        }
    }
    EXPECT_EQ(succeeded.load(), kRounds * kThreads);
    EXPECT_EQ(server.accepted_resends().size(), static_cast<size_t>(kRounds * kThreads));
}

}  // namespace
