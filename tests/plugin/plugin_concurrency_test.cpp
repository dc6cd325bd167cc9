// One loaded plugin under load: keep-alive sessions are reused across tasks, and many threads
// executing at once all succeed with exactly one accepted resend each.
#include <gtest/gtest.h>

#include <atomic>
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

}  // namespace
