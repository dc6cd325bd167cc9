// Many clients at once, and a stop that neither hangs on idle keep-alive connections or long
// stalls nor leaves a handler running (ASan would see the use-after-free).
#include <Poco/Exception.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <thread>

#include "sandbox_server.h"
#include "sandbox_test_client.h"

namespace {

using namespace std::chrono_literals;
using sandbox_test::Call;
using sandbox_test::StrictClient;

const Call kInfo{"GET", "/services/v2/domain/1234567"};

// Destroys `server` on another thread and says whether that finished within `bound`. The bound
// is only there so a hang fails the test instead of the whole run; a healthy stop is far below.
bool stops_within(std::unique_ptr<sandbox::SandboxServer> server, std::chrono::seconds bound) {
    auto stopped = std::async(std::launch::async, [s = std::move(server)]() mutable { s.reset(); });
    return stopped.wait_for(bound) == std::future_status::ready;
}

TEST(SandboxLifecycle, ServesManyConcurrentKeepAliveClients) {
    sandbox::SandboxOptions options = sandbox_test::base_options();
    options.short_window.requests = 0;  // 200 requests from one key would trip DigiCert's
    options.long_window.requests = 0;   // 100 per 5 s; this test is about concurrency
    sandbox::SandboxServer server(std::move(options));
    constexpr int kThreads = 8;
    constexpr int kPerThread = 25;
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            StrictClient client(server.ca_file(), server.port());
            for (int i = 0; i < kPerThread; ++i) {
                const bool put = (i % 2) == 0;
                Call c = put ? Call{"PUT", sandbox_test::resend_target(1234567),
                                    R"({"locale":"t)" + std::to_string(t) + "\"}"}
                             : kInfo;
                if (client.send(c).status == (put ? 204 : 200)) {
                    ++ok;
                }
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(ok.load(), kThreads * kPerThread);
    EXPECT_EQ(server.requests().size(), static_cast<size_t>(kThreads * kPerThread));
    EXPECT_EQ(server.accepted_resends().size(), static_cast<size_t>(kThreads * 13));
    EXPECT_EQ(server.connections_accepted(), static_cast<size_t>(kThreads));
}

TEST(SandboxLifecycle, StopsWhileClientsHoldIdleKeepAliveConnections) {
    auto server = std::make_unique<sandbox::SandboxServer>(sandbox_test::base_options());
    StrictClient first(server->ca_file(), server->port());
    StrictClient second(server->ca_file(), server->port());
    ASSERT_EQ(first.send(kInfo).status, 200);
    ASSERT_EQ(second.send(kInfo).status, 200);
    // Both connections now sit idle in the server's keep-alive wait (30 s).
    EXPECT_TRUE(stops_within(std::move(server), 20s));
    EXPECT_THROW(first.send(kInfo), Poco::Exception);  // nobody is listening any more
}

TEST(SandboxLifecycle, StopsDuringALongStall) {
    auto server = std::make_unique<sandbox::SandboxServer>(sandbox_test::base_options());
    sandbox::FaultRule stall;
    stall.action = sandbox::FaultRule::Action::kStall;
    stall.delay = 60s;  // far longer than the bound below, short enough to end a broken run
    server->add_fault(stall);
    std::thread client([ca = server->ca_file(), port = server->port()] {
        StrictClient stalled(ca, port);
        EXPECT_THROW(stalled.send(kInfo), Poco::Exception);
    });
    // Wait until the stalled request has arrived, then stop underneath it.
    for (int i = 0; i < 2000 && server->requests().empty(); ++i) {
        std::this_thread::sleep_for(10ms);
    }
    ASSERT_EQ(server->requests().size(), 1u);
    EXPECT_TRUE(stops_within(std::move(server), 20s));
    client.join();
}

}  // namespace
