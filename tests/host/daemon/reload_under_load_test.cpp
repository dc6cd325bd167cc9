// ReloadUnderLoad: client threads send tasks without pause while the plugin file is swapped
// between two versions 50 times, by each trigger (SIGHUP, POST /v1/plugins/reload, the
// directory watch). Every task must get a complete outcome from one of the two versions: none
// lost, none failed, and the daemon never crashes (it must still exit 0 on SIGTERM).
#include <gtest/gtest.h>
#include <signal.h>

#include <Poco/JSON/Array.h>

#include <atomic>
#include <iostream>
#include <mutex>
#include <thread>

#include "daemon_test_support.h"

namespace taskhost {
namespace {

using taskhost_test::DaemonOptions;
using taskhost_test::DaemonUnderTest;
using taskhost_test::install_plugin_atomically;
using taskhost_test::parse_json;

constexpr int kSwaps = 50;
constexpr int kClients = 4;

enum class Trigger { kSighup, kApi, kWatch };

struct Tally {
    std::mutex mutex;
    int sent = 0;
    int answered = 0;
    std::map<std::string, int> by_version;
    std::vector<std::string> problems;  // anything but a 200 "succeeded" from v1 or v2
};

void client_loop(const DaemonUnderTest& daemon, const std::atomic<bool>& stop, Tally& tally) {
    // sleep_ms keeps tasks in flight across swaps: they must finish in the generation they
    // started with while new tasks get the new one.
    const std::string body = R"({"task": "test.versioned", "params": {"sleep_ms": 5}})";
    const DaemonClient client = daemon.client();
    while (!stop.load()) {
        Result<DaemonAnswer> answer = client.request("POST", "/v1/tasks", body);
        std::lock_guard<std::mutex> lock(tally.mutex);
        ++tally.sent;
        if (!answer.ok()) {
            tally.problems.push_back("transport: " + answer.error().text());
            continue;
        }
        ++tally.answered;
        std::string version;
        std::string status;
        try {
            const auto outcome = parse_json(answer.value().body);
            version = outcome->optValue<std::string>("plugin_version", "");
            status = outcome->optValue<std::string>("status", "");
        } catch (const std::exception& e) {
            tally.problems.push_back("not JSON: " + answer.value().body);
            continue;
        }
        if (answer.value().http_status != 200 || status != "succeeded" ||
            (version != "1.0.0" && version != "2.0.0")) {
            tally.problems.push_back(std::to_string(answer.value().http_status) + " " +
                                     answer.value().body);
            continue;
        }
        ++tally.by_version[version];
    }
}

std::string serving_version(const DaemonUnderTest& daemon) {
    const DaemonAnswer answer = daemon.get("/v1/plugins");
    const auto plugins = parse_json(answer.body)->getArray("plugins");
    return plugins->size() == 1 ? plugins->getObject(0)->getValue<std::string>("version") : "";
}

void swap_under_load(Trigger trigger) {
    DaemonUnderTest daemon;
    install_plugin_atomically(daemon.plugin_dir(), "versioned_v1", "versioned.so");
    DaemonOptions options;
    // Only the trigger under test may reload: the watch is off unless it is the one tested.
    options.daemon_json =
        std::string(R"({"max_concurrency": 4, "max_queue": 64, )") +
        "\"watch_plugin_dir\": " + (trigger == Trigger::kWatch ? "true" : "false") + "}";
    ASSERT_TRUE(daemon.start(options));

    std::atomic<bool> stop{false};
    Tally tally;
    std::vector<std::thread> clients;
    // However the test ends (a failed ASSERT returns early), the clients stop and are joined
    // before the daemon goes: a joinable thread left behind would abort the whole test binary.
    struct JoinClients {
        std::atomic<bool>& stop;
        std::vector<std::thread>& clients;
        ~JoinClients() {
            stop = true;
            for (std::thread& client : clients) {
                if (client.joinable()) {
                    client.join();
                }
            }
        }
    } join_clients{stop, clients};
    for (int i = 0; i < kClients; ++i) {
        clients.emplace_back([&] { client_loop(daemon, stop, tally); });
    }
    int served_after_swap = 0;
    for (int swap = 1; swap <= kSwaps; ++swap) {
        const bool to_v2 = swap % 2 == 1;
        install_plugin_atomically(daemon.plugin_dir(), to_v2 ? "versioned_v2" : "versioned_v1",
                                  "versioned.so");
        if (trigger == Trigger::kSighup) {
            daemon.process().send_signal(SIGHUP);
        } else if (trigger == Trigger::kApi) {
            const DaemonAnswer report = daemon.post("/v1/plugins/reload");
            ASSERT_EQ(report.http_status, 200) << report.body;
            ASSERT_TRUE(parse_json(report.body)->getValue<bool>("ok")) << report.body;
        }
        const std::string expected = to_v2 ? "2.0.0" : "1.0.0";
        bool swapped = false;
        for (int i = 0; i < 3000 && !swapped; ++i) {  // sanity bound ~30 s, not a timing test
            swapped = serving_version(daemon) == expected;
            if (!swapped) {
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            }
        }
        ASSERT_TRUE(swapped) << "swap " << swap << " to " << expected << " never took effect";
        // Real load on every generation: a few tasks answered by the new one before the next
        // swap (sanity bound ~30 s).
        int before = 0;
        {
            std::lock_guard<std::mutex> lock(tally.mutex);
            before = tally.by_version[expected];
        }
        for (int i = 0; i < 3000; ++i) {
            {
                std::lock_guard<std::mutex> lock(tally.mutex);
                if (tally.by_version[expected] >= before + kClients) {
                    break;
                }
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        {
            std::lock_guard<std::mutex> lock(tally.mutex);
            served_after_swap = tally.answered;
        }
    }
    // Let the clients see the last version too, then stop them.
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    stop = true;
    for (std::thread& client : clients) {
        client.join();
    }
    const taskhost_test::ProcessResult stopped = daemon.stop();
    EXPECT_EQ(stopped.exit_code, 0) << "the daemon must survive: " << stopped.err.substr(0, 4000);

    std::cout << "tasks answered: " << tally.answered << " (v1 " << tally.by_version["1.0.0"]
              << ", v2 " << tally.by_version["2.0.0"] << ") across " << kSwaps << " swaps\n";
    for (size_t i = 0; i < tally.problems.size() && i < 10; ++i) {
        ADD_FAILURE() << tally.problems[i];
    }
    EXPECT_TRUE(tally.problems.empty()) << tally.problems.size() << " tasks went wrong";
    EXPECT_EQ(tally.answered, tally.sent) << "a task was lost";
    EXPECT_GT(tally.by_version["1.0.0"], 0);
    EXPECT_GT(tally.by_version["2.0.0"], 0);
    EXPECT_GT(tally.answered, served_after_swap / 2);
    const std::string reloads = trigger == Trigger::kSighup ? "(sighup): loaded"
                                : trigger == Trigger::kApi  ? "(api): loaded"
                                                            : "(watch): loaded";
    size_t seen = 0;
    for (size_t at = stopped.err.find(reloads); at != std::string::npos;
         at = stopped.err.find(reloads, at + 1)) {
        ++seen;
    }
    EXPECT_GE(seen, static_cast<size_t>(kSwaps)) << "every swap was a reload by this trigger";
}

TEST(ReloadUnderLoad, SwappedFiftyTimesBySighupLosesNoTask) {
    swap_under_load(Trigger::kSighup);
}

TEST(ReloadUnderLoad, SwappedFiftyTimesByApiReloadLosesNoTask) {
    swap_under_load(Trigger::kApi);
}

TEST(ReloadUnderLoad, SwappedFiftyTimesByDirectoryWatchLosesNoTask) {
    swap_under_load(Trigger::kWatch);
}

}  // namespace
}  // namespace taskhost
