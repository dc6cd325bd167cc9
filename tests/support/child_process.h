// A program run by a test as a real child process: stdin fed and closed, stdout and stderr on
// pipes that a thread reads all the time (a child that logs more than a pipe holds never
// stalls), waits for what it prints, signals, and an end with a bound.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace taskhost_test {

struct ProcessResult {
    int exit_code = -1;  // -1: killed by a signal
    int signal = 0;
    std::string out;
    std::string err;
};

struct ProcessLaunch {
    std::vector<std::string> argv;           // argv[0]: the program's path
    std::map<std::string, std::string> env;  // set over the inherited environment
    std::vector<std::string> unset_env;      // inherited names the child does not get
    std::string stdin_text;                  // written to its stdin, which is then closed
};

class ChildProcess {
  public:
    explicit ChildProcess(const ProcessLaunch& launch);
    ~ChildProcess();  // SIGKILL if still running
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    pid_t pid() const { return pid_.load(); }
    // Safe from any thread (e.g. a sandbox hook) until finish() has reaped the child.
    void send_signal(int signal);
    // Until stderr holds `text`, both pipes close, or `limit` passes (a sanity bound, not a
    // timing test); whether stderr holds it.
    bool wait_for_stderr(const std::string& text, std::chrono::milliseconds limit);
    // The next stdout line not returned before, without its newline; "" when none is complete
    // within `limit` (a sanity bound).
    std::string next_stdout_line(std::chrono::milliseconds limit);
    std::string out() const;
    std::string err() const;
    // Waits for the exit (SIGKILL after `limit`, a sanity bound) and everything it printed.
    ProcessResult finish(std::chrono::milliseconds limit = std::chrono::seconds(60));

  private:
    void spawn(const ProcessLaunch& launch, int in_fd, int out_fd, int err_fd);
    void read_pipes(int out_fd, int err_fd);
    void append(bool to_err, const char* data, size_t size);
    void reap(std::chrono::steady_clock::time_point until, int& status);

    std::atomic<pid_t> pid_{-1};
    mutable std::mutex mutex_;
    std::condition_variable grew_;
    std::string out_;
    std::string err_;
    size_t out_returned_ = 0;  // stdout bytes handed out by next_stdout_line
    bool eof_ = false;         // both pipes closed
    std::thread reader_;
};

}  // namespace taskhost_test
