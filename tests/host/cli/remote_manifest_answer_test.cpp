// `taskhost plan|apply --socket` reading the daemon's answer to a posted manifest, from a
// scripted listener on a real unix socket: an answer for 10,000 tasks (12 MB, more than the
// 8 MiB other answers may be) is printed whole, in --json as the daemon wrote each result and
// for people read back; a malformed answer is refused with where it goes wrong, before any
// result is printed.
#include <gtest/gtest.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <sstream>
#include <string>
#include <thread>

#include "host_test_support.h"

namespace taskhost {
namespace {

// Accepts one connection on `path`, reads the request whole (head and Content-Length body)
// and answers `body` with status 200, then closes.
class ScriptedDaemon {
  public:
    ScriptedDaemon(const std::string& path, std::string body) : body_(std::move(body)) {
        listener_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
        ok_ = listener_ >= 0 &&
              ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
              ::listen(listener_, 4) == 0;
        if (ok_) {
            thread_ = std::thread([this] { serve(); });
        }
    }
    ~ScriptedDaemon() {
        ::shutdown(listener_, SHUT_RDWR);
        if (thread_.joinable()) {
            thread_.join();
        }
        ::close(listener_);
    }
    bool ok() const { return ok_; }
    const std::string& request() const { return request_; }

  private:
    void serve() {
        const int fd = ::accept(listener_, nullptr, nullptr);
        if (fd < 0) {
            return;
        }
        char buffer[65536];
        size_t wanted = std::string::npos;
        while (wanted == std::string::npos || request_.size() < wanted) {
            const ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
            if (got <= 0) {
                break;
            }
            request_.append(buffer, static_cast<size_t>(got));
            const size_t head_end = request_.find("\r\n\r\n");
            const size_t length_at = request_.find("Content-Length: ");
            if (wanted == std::string::npos && head_end != std::string::npos &&
                length_at != std::string::npos) {
                wanted = head_end + 4 + std::stoul(request_.substr(length_at + 16));
            }
        }
        const std::string answer =
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            "Content-Length: " +
            std::to_string(body_.size()) + "\r\nConnection: close\r\n\r\n" + body_;
        for (size_t at = 0; at < answer.size();) {
            const ssize_t sent = ::send(fd, answer.data() + at, answer.size() - at, MSG_NOSIGNAL);
            if (sent <= 0) {
                break;
            }
            at += static_cast<size_t>(sent);
        }
        ::close(fd);
    }

    std::string body_;
    int listener_ = -1;
    bool ok_ = false;
    std::string request_;
    std::thread thread_;
};

std::string result_text(size_t index) {
    const std::string name = "domain-" + std::to_string(index);
    return "{\"manifest\":\"big.json\",\"index\":" + std::to_string(index) + ",\"name\":\"" + name +
           "\",\"task\":\"digicert.dcv.resend\",\"account\":\"prod\",\"status\":\"succeeded\","
           "\"changed\":true,\"failed\":false,\"msg\":\"DCV emails resent for " +
           name + "\",\"reason\":\"never_sent\",\"in_doubt\":false,\"outcome\":{\"pad\":\"" +
           std::string(1000, 'x') + "\"}}";
}

std::string big_report(size_t tasks) {
    std::string body = "{\"summary\":{\"manifests\":1,\"tasks\":" + std::to_string(tasks) +
                       ",\"sent\":" + std::to_string(tasks) +
                       ",\"would_send\":0,\"unchanged\":0,\"failed\":0,\"invalid\":0,"
                       "\"in_doubt\":0,\"strict_refused\":false,\"elapsed_ms\":7},\"results\":[";
    for (size_t i = 0; i < tasks; ++i) {
        body += (i == 0 ? "" : ",") + result_text(i);
    }
    return body + "]}";
}

class RemoteManifestAnswer : public ::testing::Test {
  protected:
    void SetUp() override {
        manifest_ = dir_.path() + "/big.json";
        taskhost_test::write_file(manifest_, R"({"version": 1, "tasks": []})");
        socket_ = dir_.path() + "/d.sock";
    }
    taskhost_test::ProcessResult apply(const std::string& body, bool json) {
        ScriptedDaemon daemon(socket_, body);
        EXPECT_TRUE(daemon.ok());
        std::vector<std::string> args{"apply", manifest_, "--socket", socket_};
        if (json) {
            args.push_back("--json");
        }
        taskhost_test::ProcessResult result = taskhost_test::run_taskhost(args);
        EXPECT_NE(daemon.request().find("POST /v1/manifests/apply?name=big.json"),
                  std::string::npos)
            << daemon.request().substr(0, 200);
        ::unlink(socket_.c_str());
        return result;
    }

    taskhost_test::TempDir dir_;
    std::string manifest_;
    std::string socket_;
};

TEST_F(RemoteManifestAnswer, AnAnswerForTenThousandTasksIsPrintedWhole) {
    const std::string body = big_report(10000);
    ASSERT_GT(body.size(), 8u * 1024 * 1024);
    const taskhost_test::ProcessResult json = apply(body, true);
    EXPECT_EQ(json.exit_code, 0) << json.err;
    std::istringstream lines(json.out);
    size_t count = 0;
    for (std::string line; std::getline(lines, line); ++count) {
        if (count < 10000) {
            ASSERT_EQ(line, result_text(count));
        } else {
            EXPECT_EQ(
                line.rfind("{\"summary\":{\"command\":\"apply\",\"manifests\":1,\"tasks\":10000,"
                           "\"sent\":10000,",
                           0),
                0u)
                << line;
        }
    }
    EXPECT_EQ(count, 10001u);

    const taskhost_test::ProcessResult human = apply(body, false);
    EXPECT_EQ(human.exit_code, 0) << human.err;
    EXPECT_NE(human.out.find("big.json: domain-9999: DCV emails resent for domain-9999"),
              std::string::npos);
    EXPECT_NE(human.out.find("10000 tasks in 1 manifest: 10000 sent"), std::string::npos);
}

TEST_F(RemoteManifestAnswer, AMalformedAnswerIsRefusedBeforeAnyResultIsPrinted) {
    std::string body = big_report(3);
    body.insert(body.rfind(']'), ",");  // [..., ] is not JSON
    for (const bool json : {true, false}) {
        const taskhost_test::ProcessResult refused = apply(body, json);
        EXPECT_EQ(refused.exit_code, 2) << refused.out << refused.err;
        EXPECT_EQ(refused.out, "");
        EXPECT_NE(refused.err.find("is not well-formed JSON"), std::string::npos) << refused.err;
    }
    std::string wrong = big_report(3);
    wrong.replace(wrong.find("\"status\":\"succeeded\""), 20, "\"state\":\"succeeded\"");
    const taskhost_test::ProcessResult human = apply(wrong, false);
    EXPECT_EQ(human.exit_code, 2) << human.out << human.err;
    EXPECT_EQ(human.out, "");
    EXPECT_NE(human.err.find("results[]"), std::string::npos) << human.err;
}

}  // namespace
}  // namespace taskhost
