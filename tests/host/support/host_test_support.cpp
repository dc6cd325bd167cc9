#include "host_test_support.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace taskhost_test {
namespace fs = std::filesystem;

TempDir::TempDir() {
    std::string pattern = (fs::temp_directory_path() / "taskhost-test-XXXXXX").string();
    if (::mkdtemp(&pattern[0]) == nullptr) {
        throw std::runtime_error("mkdtemp failed");
    }
    path_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
}

void write_file(const std::string& path, const std::string& content, mode_t mode) {
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << content;
        if (!out) {
            throw std::runtime_error("cannot write " + path);
        }
    }
    ::chmod(path.c_str(), mode);
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void make_dir(const std::string& path, mode_t mode) {
    fs::create_directories(path);
    ::chmod(path.c_str(), mode);
}

std::string test_plugin_path(const std::string& name) {
    return std::string(TEST_PLUGIN_DIR) + "/" + name + ".so";
}

void install_test_plugin(const std::string& dir, const std::string& name, const std::string& as) {
    const std::string target = dir + "/" + (as.empty() ? name + ".so" : as);
    fs::copy_file(test_plugin_path(name), target, fs::copy_options::overwrite_existing);
    ::chmod(target.c_str(), 0755);
}

HostFixture::HostFixture() {
    ::chmod(dir_.path().c_str(), 0755);
    make_dir(plugin_dir(), 0755);
}

void HostFixture::write_config(const std::string& accounts_json) {
    write_file(config_path(), "{\"plugin_dir\": \"plugins\", \"accounts\": " + accounts_json + "}");
}

std::string HostFixture::write_key_file(const std::string& name, const std::string& key,
                                        mode_t mode) {
    const std::string path = dir_ / name;
    write_file(path, key + "\n", mode);
    return path;
}

TaskhostProcess::TaskhostProcess(const std::vector<std::string>& args,
                                 const std::map<std::string, std::string>& env,
                                 const std::string& stdin_text) {
    int in_pipe[2], out_pipe[2], err_pipe[2];
    if (::pipe2(in_pipe, O_CLOEXEC) != 0 || ::pipe2(out_pipe, O_CLOEXEC) != 0 ||
        ::pipe2(err_pipe, O_CLOEXEC) != 0) {
        throw std::runtime_error("pipe failed");
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);

    std::vector<std::string> argv_text{TASKHOST_BINARY};
    argv_text.insert(argv_text.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& word : argv_text) {
        argv.push_back(&word[0]);
    }
    argv.push_back(nullptr);

    // The parent's environment, minus anything that could point taskhost elsewhere, plus `env`.
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
    ::close(in_pipe[0]);
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    if (rc != 0) {
        throw std::runtime_error(std::string("posix_spawn failed: ") + std::strerror(rc));
    }
    // Specs are small: they fit the pipe buffer, so writing before reading cannot deadlock.
    size_t written = 0;
    while (written < stdin_text.size()) {
        const ssize_t n =
            ::write(in_pipe[1], stdin_text.data() + written, stdin_text.size() - written);
        if (n <= 0) {
            break;
        }
        written += static_cast<size_t>(n);
    }
    ::close(in_pipe[1]);
    out_fd_ = out_pipe[0];
    err_fd_ = err_pipe[0];
}

TaskhostProcess::~TaskhostProcess() {
    if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
    if (out_fd_ >= 0) {
        ::close(out_fd_);
    }
    if (err_fd_ >= 0) {
        ::close(err_fd_);
    }
}

// One round of reading whatever is ready; false when both pipes are at EOF.
bool TaskhostProcess::pump(int timeout_ms) {
    pollfd fds[2] = {{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
    if (out_fd_ < 0 && err_fd_ < 0) {
        return false;
    }
    if (::poll(fds, 2, timeout_ms) <= 0) {
        return true;
    }
    int* fd_of[2] = {&out_fd_, &err_fd_};
    std::string* text_of[2] = {&out_, &err_};
    for (int i = 0; i < 2; ++i) {
        if (*fd_of[i] < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) {
            continue;
        }
        char buffer[8192];
        const ssize_t n = ::read(*fd_of[i], buffer, sizeof buffer);
        if (n > 0) {
            text_of[i]->append(buffer, static_cast<size_t>(n));
        } else if (n == 0 || errno != EINTR) {
            ::close(*fd_of[i]);
            *fd_of[i] = -1;
        }
    }
    return out_fd_ >= 0 || err_fd_ >= 0;
}

bool TaskhostProcess::wait_for_stderr(const std::string& text, std::chrono::milliseconds limit) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (err_.find(text) == std::string::npos) {
        if (std::chrono::steady_clock::now() > until || !pump(50)) {
            return err_.find(text) != std::string::npos;
        }
    }
    return true;
}

void TaskhostProcess::send_signal(int signal) {
    ::kill(pid_, signal);
}

ProcessResult TaskhostProcess::finish(std::chrono::milliseconds limit) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (pump(50)) {
        if (std::chrono::steady_clock::now() > until) {
            ::kill(pid_, SIGKILL);
        }
    }
    ProcessResult result;
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    if (WIFEXITED(status)) {
        result.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        result.signal = WTERMSIG(status);
    }
    result.out = out_;
    result.err = err_;
    return result;
}

ProcessResult run_taskhost(const std::vector<std::string>& args,
                           const std::map<std::string, std::string>& env,
                           const std::string& stdin_text) {
    TaskhostProcess process(args, env, stdin_text);
    return process.finish();
}

}  // namespace taskhost_test
