#include "plugins/plugin_probe_run.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

namespace taskhost {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kCancelCheck(50);

class Pipe {
  public:
    Pipe() {
        if (::pipe2(fds_, O_CLOEXEC) != 0) {
            fds_[0] = fds_[1] = -1;
        }
    }
    ~Pipe() {
        close_read();
        close_write();
    }
    Pipe(const Pipe&) = delete;
    Pipe& operator=(const Pipe&) = delete;
    bool ok() const { return fds_[0] >= 0; }
    int read_end() const { return fds_[0]; }
    int write_end() const { return fds_[1]; }
    void close_read() { close_one(fds_[0]); }
    void close_write() { close_one(fds_[1]); }

  private:
    static void close_one(int& fd) {
        if (fd >= 0) {
            ::close(fd);
            fd = -1;
        }
    }
    int fds_[2];
};

// What the child gets of our environment: nothing that could hold a key. LD_LIBRARY_PATH
// stays, so the probe finds a plugin's dependencies where the host would.
std::vector<std::string> child_environment() {
    std::vector<std::string> env;
    const char* library_path = std::getenv("LD_LIBRARY_PATH");
    if (library_path != nullptr) {
        env.push_back(std::string("LD_LIBRARY_PATH=") + library_path);
    }
    return env;
}

struct SpawnSetup {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    explicit SpawnSetup(int stdout_fd) {
        ::posix_spawn_file_actions_init(&actions);
        ::posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
        ::posix_spawn_file_actions_adddup2(&actions, stdout_fd, STDOUT_FILENO);
        ::posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
        ::posix_spawnattr_init(&attributes);
        sigset_t none;
        sigemptyset(&none);
        sigset_t all;
        sigfillset(&all);
        ::posix_spawnattr_setsigmask(&attributes, &none);  // the daemon blocks SIGTERM & co.
        ::posix_spawnattr_setsigdefault(&attributes, &all);
        ::posix_spawnattr_setpgroup(&attributes, 0);
        ::posix_spawnattr_setflags(
            &attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    }
    ~SpawnSetup() {
        ::posix_spawn_file_actions_destroy(&actions);
        ::posix_spawnattr_destroy(&attributes);
    }
    SpawnSetup(const SpawnSetup&) = delete;
    SpawnSetup& operator=(const SpawnSetup&) = delete;
};

}  // namespace

pid_t spawn_probe_process(std::vector<std::string> args, int stdout_fd, std::string& error) {
    SpawnSetup setup(stdout_fd);
    const std::string program = args.at(0);
    std::vector<char*> argv;
    for (std::string& arg : args) {
        argv.push_back(&arg[0]);
    }
    argv.push_back(nullptr);
    std::vector<std::string> env = child_environment();
    std::vector<char*> envp;
    for (std::string& entry : env) {
        envp.push_back(&entry[0]);
    }
    envp.push_back(nullptr);
    pid_t pid = -1;
    const int failed = ::posix_spawn(&pid, program.c_str(), &setup.actions, &setup.attributes,
                                     argv.data(), envp.data());
    if (failed != 0) {
        error = std::strerror(failed);
        return -1;
    }
    return pid;
}

ProbeEnding read_probe_output(int fd, Clock::time_point deadline, const CancelToken& cancel,
                              size_t max, std::string& output) {
    using Ending = ProbeEnding;
    for (;;) {
        if (cancel.requested()) {
            return Ending::kCancelled;
        }
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) {
            return Ending::kLate;
        }
        pollfd ready{fd, POLLIN, 0};
        const int polled =
            ::poll(&ready, 1, static_cast<int>(std::min(left, kCancelCheck).count()));
        if (polled <= 0) {
            if (polled < 0 && errno != EINTR) {
                return Ending::kEof;  // cannot wait on it: judge by how the child ended
            }
            continue;
        }
        char buffer[65536];
        const ssize_t got = ::read(fd, buffer, sizeof buffer);
        if (got < 0 && (errno == EINTR || errno == EAGAIN)) {
            continue;
        }
        if (got <= 0) {
            return Ending::kEof;
        }
        output.append(buffer, static_cast<size_t>(got));
        if (output.size() > max) {
            return Ending::kOverflow;
        }
    }
}

namespace {

// Whether the child ended (not yet reaped) before the deadline or cancellation.
bool ended_in_time(pid_t pid, Clock::time_point deadline, const CancelToken& cancel) {
    auto pause = std::chrono::microseconds(200);
    for (;;) {
        siginfo_t info{};
        if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
            info.si_pid == pid) {
            return true;
        }
        if (Clock::now() >= deadline || cancel.requested()) {
            return false;
        }
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::microseconds(20000));
    }
}

}  // namespace

int end_and_reap(pid_t pid) {
    ::kill(-pid, SIGKILL);
    ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return status;
}

ProbeRun run_probe(const std::string& program, const std::string& file,
                   std::chrono::milliseconds limit, const CancelToken& cancel, size_t max_output) {
    ProbeRun run;
    const Clock::time_point start = Clock::now();
    Pipe pipe;
    if (!pipe.ok()) {
        run.start_error = std::string("pipe: ") + std::strerror(errno);
        return run;
    }
    std::string error;
    const pid_t pid =
        spawn_probe_process({program, file, std::to_string(::getpid())}, pipe.write_end(), error);
    pipe.close_write();
    if (pid < 0) {
        run.start_error = error;
        return run;
    }
    const Clock::time_point deadline = start + limit;
    const ProbeEnding ending =
        read_probe_output(pipe.read_end(), deadline, cancel, max_output, run.output);
    pipe.close_read();
    const bool ended = ending == ProbeEnding::kEof && ended_in_time(pid, deadline, cancel);
    run.status = end_and_reap(pid);
    run.overflowed = ending == ProbeEnding::kOverflow;
    run.cancelled = !ended && !run.overflowed && cancel.requested();
    run.late = !ended && !run.overflowed && !run.cancelled;
    run.took = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
    return run;
}

}  // namespace taskhost
