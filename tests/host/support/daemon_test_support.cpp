#include "daemon_test_support.h"

#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>

extern char** environ;

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

ServeProcess::ServeProcess(const std::vector<std::string>& args,
                           const std::map<std::string, std::string>& env) {
    int err_pipe[2];
    int null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (::pipe2(err_pipe, O_CLOEXEC) != 0 || null_fd < 0) {
        throw std::runtime_error("pipe failed");
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, null_fd, 0);
    posix_spawn_file_actions_adddup2(&actions, null_fd, 1);
    posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
    std::vector<std::string> argv_text{TASKHOST_BINARY};
    argv_text.insert(argv_text.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& word : argv_text) {
        argv.push_back(&word[0]);
    }
    argv.push_back(nullptr);
    std::vector<std::string> env_text;
    for (char** e = environ; *e != nullptr; ++e) {
        const std::string entry = *e;
        const std::string name = entry.substr(0, entry.find('='));
        if (name != "TASKHOST_CONFIG" && env.count(name) == 0) {
            env_text.push_back(entry);
        }
    }
    for (const auto& entry : env) {
        env_text.push_back(entry.first + "=" + entry.second);
    }
    std::vector<char*> envp;
    for (std::string& entry : env_text) {
        envp.push_back(&entry[0]);
    }
    envp.push_back(nullptr);
    const int rc =
        ::posix_spawn(&pid_, TASKHOST_BINARY, &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    ::close(err_pipe[1]);
    ::close(null_fd);
    if (rc != 0) {
        ::close(err_pipe[0]);
        throw std::runtime_error(std::string("posix_spawn failed: ") + std::strerror(rc));
    }
    err_fd_ = err_pipe[0];
    reader_ = std::thread([this] { read_all(); });
}

ServeProcess::~ServeProcess() {
    if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
    if (reader_.joinable()) {
        reader_.join();
    }
    if (err_fd_ >= 0) {
        ::close(err_fd_);
    }
}

void ServeProcess::read_all() {
    char buffer[8192];
    for (;;) {
        const ssize_t got = ::read(err_fd_, buffer, sizeof buffer);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        std::lock_guard<std::mutex> lock(mutex_);
        if (got <= 0) {
            eof_ = true;
            grew_.notify_all();
            return;
        }
        err_.append(buffer, static_cast<size_t>(got));
        grew_.notify_all();
    }
}

void ServeProcess::send_signal(int signal) {
    if (pid_ > 0) {
        ::kill(pid_, signal);
    }
}

bool ServeProcess::wait_for_stderr(const std::string& text, std::chrono::milliseconds limit) {
    std::unique_lock<std::mutex> lock(mutex_);
    return grew_.wait_for(lock, limit, [&] {
        return err_.find(text) != std::string::npos || eof_;
    }) && err_.find(text) != std::string::npos;
}

std::string ServeProcess::err() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return err_;
}

ProcessResult ServeProcess::finish(std::chrono::milliseconds limit) {
    ProcessResult result;
    const auto until = std::chrono::steady_clock::now() + limit;
    int status = 0;
    while (::waitpid(pid_, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > until) {
            ::kill(pid_, SIGKILL);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    pid_ = -1;
    reader_.join();
    if (WIFEXITED(status)) {
        result.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        result.signal = WTERMSIG(status);
    }
    result.err = err();
    return result;
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
    const std::string state = state_dir.empty() ? "" : "\"state_dir\": \"" + state_dir + "\", ";
    write_file(config_path(), "{\"plugin_dir\": \"plugins\", " + state +
                                  "\"accounts\": " + accounts + ", \"daemon\": " + section + "}");
}

bool DaemonUnderTest::start(const DaemonOptions& options) {
    write_config(options.daemon_json, options.accounts_json, options.state_dir);
    process_ = std::make_unique<ServeProcess>(
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

}  // namespace taskhost_test
