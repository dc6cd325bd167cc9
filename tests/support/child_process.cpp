#include "child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace taskhost_test {
namespace {

// The parent's environment without `unset` and the names `env` sets, then `env`.
std::vector<std::string> child_environment(const ProcessLaunch& launch) {
    std::vector<std::string> text;
    for (char** e = environ; *e != nullptr; ++e) {
        const std::string entry = *e;
        const std::string name = entry.substr(0, entry.find('='));
        const bool unset = std::find(launch.unset_env.begin(), launch.unset_env.end(), name) !=
                           launch.unset_env.end();
        if (!unset && launch.env.count(name) == 0) {
            text.push_back(entry);
        }
    }
    for (const auto& entry : launch.env) {
        text.push_back(entry.first + "=" + entry.second);
    }
    return text;
}

std::vector<char*> pointers_to(std::vector<std::string>& words) {
    std::vector<char*> pointers;
    for (std::string& word : words) {
        pointers.push_back(&word[0]);
    }
    pointers.push_back(nullptr);
    return pointers;
}

void write_all(int fd, const std::string& text) {
    size_t written = 0;
    while (written < text.size()) {
        const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return;
        }
        written += static_cast<size_t>(n);
    }
}

}  // namespace

ChildProcess::ChildProcess(const ProcessLaunch& launch) {
    int in_pipe[2], out_pipe[2], err_pipe[2];
    if (::pipe2(in_pipe, O_CLOEXEC) != 0 || ::pipe2(out_pipe, O_CLOEXEC) != 0 ||
        ::pipe2(err_pipe, O_CLOEXEC) != 0) {
        throw std::runtime_error("pipe failed");
    }
    try {
        spawn(launch, in_pipe[0], out_pipe[1], err_pipe[1]);
    } catch (...) {
        for (int fd :
             {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) {
            ::close(fd);
        }
        throw;
    }
    ::close(in_pipe[0]);
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    reader_ = std::thread(
        [this, out_fd = out_pipe[0], err_fd = err_pipe[0]] { read_pipes(out_fd, err_fd); });
    write_all(in_pipe[1], launch.stdin_text);
    ::close(in_pipe[1]);
}

void ChildProcess::spawn(const ProcessLaunch& launch, int in_fd, int out_fd, int err_fd) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in_fd, 0);
    posix_spawn_file_actions_adddup2(&actions, out_fd, 1);
    posix_spawn_file_actions_adddup2(&actions, err_fd, 2);
    std::vector<std::string> argv_text = launch.argv;
    std::vector<std::string> env_text = child_environment(launch);
    std::vector<char*> argv = pointers_to(argv_text);
    std::vector<char*> envp = pointers_to(env_text);
    pid_t pid = -1;
    const int rc = ::posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        throw std::runtime_error(std::string("posix_spawn failed: ") + std::strerror(rc));
    }
    pid_ = pid;
}

ChildProcess::~ChildProcess() {
    const pid_t pid = pid_.exchange(-1);
    if (pid > 0) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
    }
    if (reader_.joinable()) {
        reader_.join();
    }
}

// Until both pipes are at EOF; owns and closes them.
void ChildProcess::read_pipes(int out_fd, int err_fd) {
    pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
    while (fds[0].fd >= 0 || fds[1].fd >= 0) {
        if (::poll(fds, 2, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            break;
        }
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) {
                continue;
            }
            char buffer[8192];
            const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
            if (n > 0) {
                append(i == 1, buffer, static_cast<size_t>(n));
            } else if (n == 0 || errno != EINTR) {
                ::close(fds[i].fd);
                fds[i].fd = -1;
            }
        }
    }
    for (const pollfd& p : fds) {
        if (p.fd >= 0) {
            ::close(p.fd);
        }
    }
    std::lock_guard<std::mutex> lock(mutex_);
    eof_ = true;
    grew_.notify_all();
}

void ChildProcess::append(bool to_err, const char* data, size_t size) {
    std::lock_guard<std::mutex> lock(mutex_);
    (to_err ? err_ : out_).append(data, size);
    grew_.notify_all();
}

void ChildProcess::send_signal(int signal) {
    const pid_t pid = pid_.load();
    if (pid > 0) {
        ::kill(pid, signal);
    }
}

bool ChildProcess::wait_for_stderr(const std::string& text, std::chrono::milliseconds limit) {
    std::unique_lock<std::mutex> lock(mutex_);
    grew_.wait_for(lock, limit, [&] { return err_.find(text) != std::string::npos || eof_; });
    return err_.find(text) != std::string::npos;
}

std::string ChildProcess::next_stdout_line(std::chrono::milliseconds limit) {
    std::unique_lock<std::mutex> lock(mutex_);
    grew_.wait_for(lock, limit,
                   [&] { return out_.find('\n', out_returned_) != std::string::npos || eof_; });
    const size_t newline = out_.find('\n', out_returned_);
    if (newline == std::string::npos) {
        return "";
    }
    std::string line = out_.substr(out_returned_, newline - out_returned_);
    out_returned_ = newline + 1;
    return line;
}

std::string ChildProcess::out() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return out_;
}

std::string ChildProcess::err() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return err_;
}

// Reaps the child, killing it once `until` has passed.
void ChildProcess::reap(std::chrono::steady_clock::time_point until, int& status) {
    const pid_t pid = pid_.load();
    if (pid <= 0) {
        return;  // reaped before
    }
    for (;;) {
        const pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid || (done < 0 && errno != EINTR)) {
            break;
        }
        if (std::chrono::steady_clock::now() > until) {
            ::kill(pid, SIGKILL);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    pid_ = -1;
}

ProcessResult ChildProcess::finish(std::chrono::milliseconds limit) {
    const auto until = std::chrono::steady_clock::now() + limit;
    {
        // The pipes close when the child exits: no polling for the usual quick exit.
        std::unique_lock<std::mutex> lock(mutex_);
        grew_.wait_until(lock, until, [&] { return eof_; });
    }
    int status = 0;
    reap(until, status);
    if (reader_.joinable()) {
        reader_.join();
    }
    ProcessResult result;
    if (WIFEXITED(status)) {
        result.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        result.signal = WTERMSIG(status);
    }
    result.out = out();
    result.err = err();
    return result;
}

}  // namespace taskhost_test
