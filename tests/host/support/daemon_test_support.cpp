#include "daemon_test_support.h"

#include <thread>

#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <vector>

namespace taskhost_test {

namespace fs = std::filesystem;

void install_plugin_atomically(const std::string& dir, const std::string& name,
                               const std::string& as) {
    const std::string temp = dir + "/." + as + ".tmp";
    fs::copy_file(test_plugin_path(name), temp, fs::copy_options::overwrite_existing);
    ::chmod(temp.c_str(), 0755);
    if (std::rename(temp.c_str(), (dir + "/" + as).c_str()) != 0) {
        throw std::runtime_error("rename failed for " + temp);
    }
}

Poco::JSON::Object::Ptr parse_json(const std::string& text) {
    Poco::JSON::Parser parser;
    return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
}

DaemonUnderTest::DaemonUnderTest() {
    ::chmod(dir_.path().c_str(), 0755);
    make_dir(plugin_dir(), 0755);
}

DaemonUnderTest::~DaemonUnderTest() = default;

void DaemonUnderTest::write_config(const std::string& daemon_json, const std::string& accounts_json,
                                   const std::string& state_dir) {
    // The daemon section as given, with this test's socket unless it names its own.
    std::string section = daemon_json;
    if (section.find("\"socket\"") == std::string::npos) {
        section = "{\"socket\": \"" + socket_path() + "\"" +
                  (section == "{}" ? "}" : ", " + section.substr(1));
    }
    const std::string accounts =
        accounts_json.empty() ? "{\"sandbox\": {\"base_url\": \"https://localhost:1/services/v2\", "
                                "\"api_key_env\": \"TASKHOST_TEST_KEY\"}}"
                              : accounts_json;
    // Each test's own ledger: "state" next to the config unless the test names one.
    const std::string state =
        "\"state_dir\": \"" + (state_dir.empty() ? std::string("state") : state_dir) + "\", ";
    write_file(config_path(), "{\"plugin_dir\": \"plugins\", " + state +
                                  "\"accounts\": " + accounts + ", \"daemon\": " + section + "}");
}

bool DaemonUnderTest::start(const DaemonOptions& options) {
    write_config(options.daemon_json, options.accounts_json, options.state_dir);
    process_ = std::make_unique<TaskhostProcess>(
        std::vector<std::string>{"serve", "--config", config_path()}, options.env);
    return process_->wait_for_stderr("; ready", std::chrono::seconds(30));
}

ProcessResult DaemonUnderTest::stop(int signal) {
    process_->send_signal(signal);
    ProcessResult result = process_->finish(std::chrono::seconds(60));
    process_.reset();
    EXPECT_EQ(result.err.find(kCanaryKey), std::string::npos) << "the key reached the log";
    return result;
}

taskhost::DaemonAnswer DaemonUnderTest::post_task(const std::string& body,
                                                  const std::string& query) const {
    return post("/v1/tasks" + query, body);
}

taskhost::DaemonAnswer DaemonUnderTest::get(const std::string& path) const {
    taskhost::Result<taskhost::DaemonAnswer> answer = client().request("GET", path);
    EXPECT_TRUE(answer.ok()) << (answer.ok() ? "" : answer.error().text());
    if (!answer.ok()) {
        return {};
    }
    EXPECT_EQ(answer.value().body.find(kCanaryKey), std::string::npos) << answer.value().body;
    return answer.value();
}

taskhost::DaemonAnswer DaemonUnderTest::post(const std::string& path,
                                             const std::string& body) const {
    taskhost::Result<taskhost::DaemonAnswer> answer = client().request("POST", path, body);
    EXPECT_TRUE(answer.ok()) << (answer.ok() ? "" : answer.error().text());
    if (!answer.ok()) {
        return {};
    }
    EXPECT_EQ(answer.value().body.find(kCanaryKey), std::string::npos) << answer.value().body;
    return answer.value();
}

void DaemonServingVersioned::SetUp() {
    install_plugin_atomically(daemon_.plugin_dir(), "versioned_v1", "versioned.so");
    DaemonOptions options;
    options.daemon_json = R"({"watch_plugin_dir": false})";
    ASSERT_TRUE(daemon_.start(options));
}

void DaemonServingVersioned::TearDown() {
    EXPECT_EQ(daemon_.stop().exit_code, 0);
}

void wait_for_manifest_runs(const DaemonUnderTest& daemon, int runs) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (parse_json(daemon.get("/v1/manifests").body)->getValue<int>("runs") < runs &&
           std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

std::pair<int, std::string> promtool_check(const std::string& dir, const std::string& body) {
    const std::string file = dir + "/metrics.txt";
    write_file(file, body);
    const std::string command = std::string(kPromtool) + " check metrics < " + file + " 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    std::string out;
    char buffer[512];
    while (pipe != nullptr && std::fgets(buffer, sizeof buffer, pipe) != nullptr) {
        out += buffer;
    }
    const int status = pipe != nullptr ? ::pclose(pipe) : -1;
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

bool has_line(const std::string& body, const std::string& line) {
    return ("\n" + body).find("\n" + line + "\n") != std::string::npos;
}

std::string raw_exchange(const std::string& socket_path, const std::string& raw) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::snprintf(address.sun_path, sizeof address.sun_path, "%s", socket_path.c_str());
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        return "(cannot connect)";
    }
    if (::write(fd, raw.data(), raw.size()) < 0) {
        ::close(fd);
        return "(cannot write)";
    }
    std::string answer;
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    for (;;) {
        pollfd readable{fd, POLLIN, 0};
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            until - std::chrono::steady_clock::now());
        if (left.count() <= 0 || ::poll(&readable, 1, static_cast<int>(left.count())) <= 0) {
            answer += "(still open)";
            break;
        }
        char buffer[4096];
        const ssize_t got = ::read(fd, buffer, sizeof buffer);
        if (got <= 0) {
            break;
        }
        answer.append(buffer, static_cast<size_t>(got));
    }
    ::close(fd);
    return answer;
}

}  // namespace taskhost_test
