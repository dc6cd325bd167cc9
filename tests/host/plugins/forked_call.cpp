#include "forked_call.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace taskhost_test {
namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void run_child(const std::function<std::string()>& body, int out) {
    const std::string answer = body();  // what body built is destroyed by now, before _exit
    const char* at = answer.data();
    size_t left = answer.size();
    while (left > 0) {
        const ssize_t wrote = ::write(out, at, left);
        if (wrote <= 0) {
            ::_exit(3);
        }
        at += wrote;
        left -= static_cast<size_t>(wrote);
    }
    ::_exit(0);
}

// Reads `in` until EOF or `deadline`; true on EOF (the child closed its end: it ended).
bool read_until_eof(int in, Clock::time_point deadline, std::string& output) {
    for (;;) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) {
            return false;
        }
        pollfd pfd{in, POLLIN, 0};
        const int ready = ::poll(&pfd, 1, static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR) {
            continue;
        }
        if (ready <= 0) {
            return false;
        }
        char buffer[4096];
        const ssize_t got = ::read(in, buffer, sizeof buffer);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got <= 0) {
            return true;
        }
        output.append(buffer, static_cast<size_t>(got));
    }
}

}  // namespace

bool ForkedCall::exited_cleanly() const {
    return finished && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

std::string ForkedCall::describe() const {
    if (!finished) {
        return "still running after " + std::to_string(took.count()) + " ms (killed)";
    }
    if (WIFSIGNALED(status)) {
        return "killed by signal " + std::to_string(WTERMSIG(status)) + " (" +
               ::strsignal(WTERMSIG(status)) + ")";
    }
    return "exited with status " + std::to_string(WEXITSTATUS(status));
}

ForkedCall call_forked(const std::function<std::string()>& body, std::chrono::milliseconds limit) {
    ForkedCall call;
    int pipe_fds[2];
    if (::pipe(pipe_fds) != 0) {
        call.output = std::string("pipe: ") + std::strerror(errno);
        return call;
    }
    const Clock::time_point start = Clock::now();
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::close(pipe_fds[0]);
        run_child(body, pipe_fds[1]);
    }
    ::close(pipe_fds[1]);
    if (pid < 0) {
        ::close(pipe_fds[0]);
        call.output = std::string("fork: ") + std::strerror(errno);
        return call;
    }
    const bool eof = read_until_eof(pipe_fds[0], start + limit, call.output);
    ::close(pipe_fds[0]);
    call.took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    if (!eof) {
        ::kill(pid, SIGKILL);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    call.finished = eof;
    call.status = status;
    return call;
}

}  // namespace taskhost_test
