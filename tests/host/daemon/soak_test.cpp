// Soak (issue 9, "Proof that stays"): 64 clients post tasks to one daemon without pause while
// the plugin file is swapped between two versions every second and slow clients (some idle,
// some dripping a request head one byte at a time) hold connections open. Every task must get a
// complete outcome ("succeeded", from one of the two versions): none lost; the daemon never
// crashes (it exits 0 on SIGTERM at the end); and its resident memory stays flat: the median
// of the last quarter of the run's samples is within 25% + 8 MiB of the second quarter's.
//
// SOAK_SECONDS sets the length (default 20, what the test command runs); README shows the
// longer run (SOAK_SECONDS=600).
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "daemon_test_support.h"

namespace taskhost {
namespace {

using taskhost_test::DaemonOptions;
using taskhost_test::DaemonUnderTest;
using taskhost_test::install_plugin_atomically;
using taskhost_test::parse_json;
using Clock = std::chrono::steady_clock;

constexpr int kClients = 64;
constexpr int kIdleClients = 16;
constexpr int kDrippingClients = 16;

int soak_seconds() {
    const char* text = std::getenv("SOAK_SECONDS");
    const int seconds = text != nullptr ? std::atoi(text) : 20;
    return std::max(seconds, 4);
}

struct Tally {
    std::mutex mutex;
    long sent = 0;
    long succeeded = 0;
    std::vector<std::string> problems;  // anything but a 200 "succeeded" from v1 or v2
};

void record(Tally& tally, const Result<DaemonAnswer>& answer) {
    std::lock_guard<std::mutex> lock(tally.mutex);
    ++tally.sent;
    if (!answer.ok()) {
        tally.problems.push_back("transport: " + answer.error().text());
        return;
    }
    std::string status;
    std::string version;
    try {
        const auto outcome = parse_json(answer.value().body);
        status = outcome->optValue<std::string>("status", "");
        version = outcome->optValue<std::string>("plugin_version", "");
    } catch (const std::exception&) {
    }
    if (answer.value().http_status != 200 || status != "succeeded" ||
        (version != "1.0.0" && version != "2.0.0")) {
        tally.problems.push_back(std::to_string(answer.value().http_status) + " " +
                                 answer.value().body.substr(0, 300));
        return;
    }
    ++tally.succeeded;
}

void client_loop(const DaemonUnderTest& daemon, const std::atomic<bool>& stop, Tally& tally) {
    const std::string body = R"({"task": "test.versioned", "params": {"sleep_ms": 2}})";
    const DaemonClient client = daemon.client();
    while (!stop.load()) {
        record(tally, client.request("POST", "/v1/tasks", body));
    }
}

int connect_unix(const std::string& path) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    path.copy(address.sun_path, sizeof address.sun_path - 1);
    if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// Holds a connection open; `drip`: sends a request head one byte every 200 ms. Whenever the
// daemon closes it (its deadlines), opens another.
void slow_client(const std::string& socket_path, bool drip, const std::atomic<bool>& stop) {
    const std::string head = "POST /v1/tasks HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}";
    while (!stop.load()) {
        const int fd = connect_unix(socket_path);
        if (fd < 0) {
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
            continue;
        }
        for (size_t sent = 0; !stop.load(); ++sent) {
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
            const char byte = drip ? head[sent % head.size()] : '\0';
            if (drip && ::send(fd, &byte, 1, MSG_NOSIGNAL) != 1) {
                break;
            }
            char answer[256];
            if (::recv(fd, answer, sizeof answer, MSG_DONTWAIT) == 0) {
                break;  // closed by the daemon
            }
        }
        ::close(fd);
    }
}

long rss_kib(pid_t pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0) {
            return std::atol(line.c_str() + 6);
        }
    }
    return -1;
}

long median(std::vector<long> values) {
    std::sort(values.begin(), values.end());
    return values.empty() ? 0 : values[values.size() / 2];
}

// Swaps the plugin every second (the directory watch and POST /v1/plugins/reload in turn) and
// samples the daemon's RSS, until `seconds` have passed.
std::vector<long> swap_and_sample(DaemonUnderTest& daemon, int seconds, Tally& tally) {
    std::vector<long> rss;
    for (int second = 1; second <= seconds; ++second) {
        std::this_thread::sleep_for(std::chrono::seconds(1));
        install_plugin_atomically(daemon.plugin_dir(), second % 2 ? "versioned_v2" : "versioned_v1",
                                  "versioned.so");
        if (second % 2 == 0) {
            const DaemonAnswer report = daemon.post("/v1/plugins/reload");
            if (report.http_status != 200) {
                std::lock_guard<std::mutex> lock(tally.mutex);
                tally.problems.push_back("reload: " + std::to_string(report.http_status));
            }
        }
        rss.push_back(rss_kib(daemon.process().pid()));
    }
    return rss;
}

struct Threads {
    std::atomic<bool> stop{false};
    std::vector<std::thread> all;
    ~Threads() { join(); }
    void join() {
        stop = true;
        for (std::thread& thread : all) {
            if (thread.joinable()) {
                thread.join();
            }
        }
    }
};

TEST(Soak, SixtyFourClientsPluginSwapsAndSlowClientsLoseNothingAndRssStaysFlat) {
    const int seconds = soak_seconds();
    DaemonUnderTest daemon;
    install_plugin_atomically(daemon.plugin_dir(), "versioned_v1", "versioned.so");
    DaemonOptions options;
    options.daemon_json = R"({"max_concurrency": 8, "max_queue": 128})";
    ASSERT_TRUE(daemon.start(options)) << daemon.process().err();

    Tally tally;
    Threads threads;
    for (int i = 0; i < kClients; ++i) {
        threads.all.emplace_back([&] { client_loop(daemon, threads.stop, tally); });
    }
    for (int i = 0; i < kIdleClients + kDrippingClients; ++i) {
        const bool drip = i >= kIdleClients;
        threads.all.emplace_back(
            [&, drip] { slow_client(daemon.socket_path(), drip, threads.stop); });
    }
    const std::vector<long> rss = swap_and_sample(daemon, seconds, tally);
    threads.join();

    const size_t quarter = rss.size() / 4;
    const long warm = median(std::vector<long>(rss.begin() + quarter, rss.begin() + 2 * quarter));
    const long end = median(std::vector<long>(rss.end() - quarter, rss.end()));
    std::cout << "soak: " << seconds << " s, " << tally.sent << " tasks, " << tally.succeeded
              << " succeeded, RSS KiB second quarter " << warm << ", last quarter " << end << "\n";
    EXPECT_GT(tally.succeeded, 0);
    EXPECT_EQ(tally.succeeded, tally.sent) << "lost or failed tasks";
    for (size_t i = 0; i < std::min<size_t>(tally.problems.size(), 10); ++i) {
        ADD_FAILURE() << tally.problems[i];
    }
    EXPECT_LE(end, warm + warm / 4 + 8 * 1024) << "RSS grew during the soak";
    const taskhost_test::ProcessResult stopped = daemon.stop();
    EXPECT_EQ(stopped.exit_code, 0) << stopped.err.substr(0, 2000);
}

}  // namespace
}  // namespace taskhost
