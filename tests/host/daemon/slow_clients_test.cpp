// Issue 9, Medium 4: slow clients must not starve the API. A real `taskhost serve` on a real
// unix socket (and its opt-in TCP listener on 127.0.0.1) against a thousand idle or dripping
// connections: health answers within a second and tasks keep flowing; a request head or body
// dripped a byte a second is cut off at its deadline whatever the per-read activity; callers
// without the bearer token neither starve those with it nor get their bodies read; at the
// connection limit the longest-waiting connection makes room.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <future>
#include <thread>
#include <vector>

#include "daemon_test_support.h"

namespace taskhost {
namespace {

using Clock = std::chrono::steady_clock;
using taskhost_test::DaemonOptions;
using taskhost_test::DaemonUnderTest;
using taskhost_test::install_plugin_atomically;
using taskhost_test::parse_json;

// A thousand connections need more descriptors than the usual soft limit of 1024.
void raise_open_file_limit() {
    struct rlimit limit {};
    ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &limit), 0);
    limit.rlim_cur = limit.rlim_max;
    ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &limit), 0);
    ASSERT_GE(limit.rlim_cur, 2200u) << "this test needs a hard open-file limit of 2200";
}

int connect_unix(const std::string& path) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::snprintf(address.sun_path, sizeof address.sun_path, "%s", path.c_str());
    if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
        return fd;
    }
    if (fd >= 0) {
        ::close(fd);
    }
    return -1;
}

int connect_tcp(uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
        return fd;
    }
    if (fd >= 0) {
        ::close(fd);
    }
    return -1;
}

void send_text(int fd, const std::string& text) {
    (void)::send(fd, text.data(), text.size(), MSG_NOSIGNAL);
}

// The daemon answered or closed `fd` (what a caller that is cut off sees).
bool cut_off(int fd) {
    pollfd readable{fd, POLLIN, 0};
    return ::poll(&readable, 1, 0) > 0;
}

// What the daemon sent on `fd` before closing it, waiting at most `wait`.
std::string answer_on(int fd, std::chrono::milliseconds wait) {
    std::string text;
    const Clock::time_point until = Clock::now() + wait;
    for (;;) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
        pollfd readable{fd, POLLIN, 0};
        if (left.count() <= 0 || ::poll(&readable, 1, static_cast<int>(left.count())) <= 0) {
            return text + "(still open)";
        }
        char buffer[4096];
        const ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
        if (got <= 0) {
            return text;
        }
        text.append(buffer, static_cast<size_t>(got));
    }
}

void close_all(std::vector<int>& fds) {
    for (const int fd : fds) {
        ::close(fd);
    }
    fds.clear();
}

// Sends one byte of a never-ending header on each of `fds` every second until `stop`.
void drip_headers(const std::vector<int>& fds, const std::atomic<bool>& stop) {
    while (!stop.load()) {
        for (const int fd : fds) {
            send_text(fd, "a");
        }
        for (int i = 0; i < 10 && !stop.load(); ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }
}

std::chrono::milliseconds elapsed_since(Clock::time_point since) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since);
}

class SlowClients : public ::testing::Test {
  protected:
    void SetUp() override {
        install_plugin_atomically(daemon_.plugin_dir(), "versioned_v1", "versioned.so");
    }
    DaemonUnderTest daemon_;
};

TEST_F(SlowClients, HealthAnswersWithinASecondAndTasksFlowPastAThousandSlowConnections) {
    raise_open_file_limit();
    ASSERT_TRUE(daemon_.start()) << daemon_.process().err();
    std::vector<int> idle;
    std::vector<int> dripping;
    for (int i = 0; i < 1000; ++i) {
        const int fd = connect_unix(daemon_.socket_path());
        ASSERT_GE(fd, 0) << "connection " << i;
        if (i % 2 == 0) {
            idle.push_back(fd);
        } else {
            send_text(fd, "GET /v1/health HTTP/1.1\r\nX-Drip: ");
            dripping.push_back(fd);
        }
    }
    std::atomic<bool> stop{false};
    std::thread drip([&] { drip_headers(dripping, stop); });
    std::this_thread::sleep_for(std::chrono::seconds(1));

    for (int probe = 0; probe < 5; ++probe) {
        const Clock::time_point asked = Clock::now();
        const DaemonAnswer health = daemon_.get("/v1/health");
        EXPECT_EQ(health.http_status, 200) << "probe " << probe << ": " << health.body;
        EXPECT_LT(elapsed_since(asked).count(), 1000) << "probe " << probe;
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
    const Clock::time_point posted = Clock::now();
    const DaemonAnswer task = daemon_.post_task(R"({"task": "test.versioned"})");
    EXPECT_EQ(task.http_status, 200) << task.body;
    EXPECT_LT(elapsed_since(posted).count(), 5000);

    // The pressure was real: the slow connections were still open through all of it.
    size_t still_open = 0;
    for (const std::vector<int>* group : {&idle, &dripping}) {
        for (const int fd : *group) {
            still_open += cut_off(fd) ? 0 : 1;
        }
    }
    EXPECT_GE(still_open, 990u);
    stop = true;
    drip.join();
    close_all(idle);
    close_all(dripping);
    EXPECT_EQ(daemon_.stop().exit_code, 0);
}

// Sends `text` a byte a second from `started` until the daemon answers or closes (or 20 s);
// what it answered, and when, from `started`.
std::pair<std::string, std::chrono::milliseconds> drip_until_cut(int fd, const std::string& text,
                                                                 Clock::time_point started) {
    for (size_t i = 0; elapsed_since(started) < std::chrono::seconds(20); ++i) {
        if (cut_off(fd)) {
            const std::chrono::milliseconds at = elapsed_since(started);
            return {answer_on(fd, std::chrono::milliseconds(2000)), at};
        }
        send_text(fd, std::string(1, text[i % text.size()]));
        pollfd readable{fd, POLLIN, 0};
        ::poll(&readable, 1, 1000);
    }
    return {"(still open)", elapsed_since(started)};
}

// The daemon's defaults: 10 s for a whole head, 10 s for a whole body.
TEST_F(SlowClients, AHeadOrABodyDrippedAByteASecondIsCutOffAtItsDeadline) {
    ASSERT_TRUE(daemon_.start()) << daemon_.process().err();
    auto head = std::async(std::launch::async, [this] {
        const int fd = connect_unix(daemon_.socket_path());
        const Clock::time_point started = Clock::now();
        auto cut =
            drip_until_cut(fd, "GET /v1/health HTTP/1.1\r\nX-Drip: aaaaaaaaaaaaaaaa", started);
        ::close(fd);
        return cut;
    });
    auto body = std::async(std::launch::async, [this] {
        const int fd = connect_unix(daemon_.socket_path());
        send_text(fd, "POST /v1/tasks HTTP/1.1\r\nHost: x\r\nContent-Length: 200\r\n\r\n{");
        const Clock::time_point started = Clock::now();
        auto cut = drip_until_cut(fd, "\"task\": \"test.versioned\"     ", started);
        ::close(fd);
        return cut;
    });
    for (auto* cut : {&head, &body}) {
        const auto [answer, at] = cut->get();
        EXPECT_GE(at.count(), 9000) << answer;
        EXPECT_LE(at.count(), 12500) << answer;
        EXPECT_TRUE(answer.rfind("HTTP/1.1 408", 0) == 0 || answer.empty()) << answer;
        EXPECT_EQ(answer.find("(still open)"), std::string::npos) << answer;
    }
    // A health probe meanwhile and after: still served.
    EXPECT_EQ(daemon_.get("/v1/health").http_status, 200);
    EXPECT_EQ(daemon_.stop().exit_code, 0);
}

std::pair<int, std::string> tcp_request(uint16_t port, const std::string& method,
                                        const std::string& path, const std::string& token,
                                        const std::string& body = "") {
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    session.setTimeout(Poco::Timespan(10, 0));
    Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    request.set("Authorization", "Bearer " + token);
    request.setContentLength(static_cast<std::streamsize>(body.size()));
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return {static_cast<int>(response.getStatus()), text};
}

uint16_t free_port() {
    Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
    return probe.address().port();
}

TEST_F(SlowClients, UnauthenticatedTcpConnectionsDoNotStarveAuthenticatedOnes) {
    raise_open_file_limit();
    const uint16_t port = free_port();
    const std::string token = "TOKEN-slow-clients-5e1f";
    taskhost_test::write_file(daemon_.root() + "/api.token", token + "\n", 0600);
    DaemonOptions options;
    options.daemon_json =
        "{\"tcp\": {\"port\": " + std::to_string(port) + ", \"token_file\": \"api.token\"}}";
    ASSERT_TRUE(daemon_.start(options)) << daemon_.process().err();

    // 200 callers without the token: idle, sending junk, or a head without the token.
    std::vector<int> unauthenticated;
    for (int i = 0; i < 200; ++i) {
        const int fd = connect_tcp(port);
        ASSERT_GE(fd, 0) << "connection " << i;
        if (i % 3 == 1) {
            send_text(fd, std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11));
        } else if (i % 3 == 2) {
            send_text(fd, "GET /v1/health HTTP/1.1\r\nHost: x\r\n");  // never finished
        }
        unauthenticated.push_back(fd);
    }
    const Clock::time_point asked = Clock::now();
    const auto health = tcp_request(port, "GET", "/v1/health", token);
    EXPECT_EQ(health.first, 200) << health.second;
    EXPECT_LT(elapsed_since(asked).count(), 1000);
    const auto task =
        tcp_request(port, "POST", "/v1/tasks", token, R"({"task": "test.versioned"})");
    EXPECT_EQ(task.first, 200) << task.second;
    EXPECT_LT(elapsed_since(asked).count(), 5000);

    // A head without the token is refused before its body is read: the body is never sent.
    const int refused = connect_tcp(port);
    send_text(refused, "POST /v1/tasks HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n");
    const std::string answer = answer_on(refused, std::chrono::milliseconds(1000));
    EXPECT_EQ(answer.rfind("HTTP/1.1 401", 0), 0u) << answer;
    EXPECT_NE(answer.find("\"kind\":\"auth\""), std::string::npos) << answer;
    EXPECT_EQ(answer.find("(still open)"), std::string::npos) << answer;
    ::close(refused);
    close_all(unauthenticated);
    const taskhost_test::ProcessResult stopped = daemon_.stop();
    EXPECT_EQ(stopped.exit_code, 0);
    EXPECT_EQ(stopped.err.find(token), std::string::npos) << "the token reached the log";
}

// At daemon.max_connections the connection that has waited longest makes room: a new caller
// always gets in, and the newest idle ones stay.
TEST_F(SlowClients, AtTheConnectionLimitTheLongestWaitingConnectionMakesRoom) {
    DaemonOptions options;
    options.daemon_json = R"({"max_connections": 16, "head_timeout_ms": 60000})";
    ASSERT_TRUE(daemon_.start(options)) << daemon_.process().err();
    // The oldest connection, kept alive after an answered request: callers that never
    // finished a request make room before it.
    const int kept = connect_unix(daemon_.socket_path());
    send_text(kept, "GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n");
    const std::string first = answer_on(kept, std::chrono::milliseconds(300));
    ASSERT_EQ(first.rfind("HTTP/1.1 200", 0), 0u) << first;
    std::vector<int> idle;
    for (int i = 0; i < 100; ++i) {
        idle.push_back(connect_unix(daemon_.socket_path()));
        ASSERT_GE(idle.back(), 0);
    }
    const Clock::time_point asked = Clock::now();
    EXPECT_EQ(daemon_.get("/v1/health").http_status, 200);
    EXPECT_LT(elapsed_since(asked).count(), 1000);
    for (int i = 0; i < 80; ++i) {
        EXPECT_TRUE(cut_off(idle[i])) << "connection " << i << " is still open";
    }
    for (int i = 90; i < 100; ++i) {
        EXPECT_FALSE(cut_off(idle[i])) << "connection " << i << " was closed";
    }
    EXPECT_FALSE(cut_off(kept)) << "the kept-alive connection went before never-finished ones";
    send_text(kept, "GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(answer_on(kept, std::chrono::milliseconds(1000)).rfind("HTTP/1.1 200", 0), 0u);
    ::close(kept);
    close_all(idle);
    EXPECT_EQ(daemon_.stop().exit_code, 0);
}

TEST_F(SlowClients, AKeptAliveConnectionIdlePastItsTimeoutIsClosed) {
    DaemonOptions options;
    options.daemon_json = R"({"keep_alive_timeout_ms": 500})";
    ASSERT_TRUE(daemon_.start(options)) << daemon_.process().err();
    const int fd = connect_unix(daemon_.socket_path());
    send_text(fd, "GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n");
    const Clock::time_point asked = Clock::now();
    const std::string answered = answer_on(fd, std::chrono::milliseconds(3000));
    EXPECT_EQ(answered.rfind("HTTP/1.1 200", 0), 0u) << answered;
    EXPECT_NE(answered.find("Connection: Keep-Alive"), std::string::npos) << answered;
    EXPECT_EQ(answered.find("(still open)"), std::string::npos) << answered;
    EXPECT_GE(elapsed_since(asked).count(), 400);
    EXPECT_LT(elapsed_since(asked).count(), 2000);
    ::close(fd);
    EXPECT_EQ(daemon_.stop().exit_code, 0);
}

TEST_F(SlowClients, ConnectionLimitsAreCheckedLikeEveryOtherSetting) {
    DaemonOptions options;
    options.daemon_json = R"({"head_timeout_ms": 5})";
    EXPECT_FALSE(daemon_.start(options));
    const taskhost_test::ProcessResult refused = daemon_.stop();
    EXPECT_EQ(refused.exit_code, 2);
    EXPECT_NE(refused.err.find("$.daemon.head_timeout_ms: 5 is out of range"), std::string::npos)
        << refused.err;
    EXPECT_NE(refused.err.find("a whole number from 100 to 600000"), std::string::npos)
        << refused.err;
}

}  // namespace
}  // namespace taskhost
