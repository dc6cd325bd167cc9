#include "plugins/plugin_probe_warm.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "plugins/plugin_probe_protocol.h"
#include "util/file_trust.h"

namespace taskhost {
namespace {

using Clock = std::chrono::steady_clock;
// How long the server may take, past the time limit, to kill a late child and say so.
constexpr std::chrono::milliseconds kServerGrace(2000);
constexpr std::chrono::milliseconds kCancelCheck(50);
constexpr size_t kMaxLibraries = 256;  // on the server's command line

void close_fd(int& fd) {
    if (fd >= 0) {
        ::close(fd);
        fd = -1;
    }
}

// One message from the server before the deadline (or cancellation), else nullopt.
std::optional<std::string> receive(int fd, Clock::time_point deadline, const CancelToken* cancel) {
    for (;;) {
        if (cancel != nullptr && cancel->requested()) {
            return std::nullopt;
        }
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) {
            return std::nullopt;
        }
        pollfd ready{fd, POLLIN, 0};
        const int polled =
            ::poll(&ready, 1, static_cast<int>(std::min(left, kCancelCheck).count()));
        if (polled < 0 && errno != EINTR) {
            return std::nullopt;
        }
        if (polled <= 0) {
            continue;
        }
        char text[256];
        const ssize_t got = ::recv(fd, text, sizeof text, 0);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        return got > 0 ? std::optional<std::string>(std::string(text, static_cast<size_t>(got)))
                       : std::nullopt;
    }
}

bool send_request(int control, const std::string& text, int fd) {
    iovec part{const_cast<char*>(text.data()), text.size()};
    msghdr message{};
    message.msg_iov = &part;
    message.msg_iovlen = 1;
    alignas(cmsghdr) char space[CMSG_SPACE(sizeof(int))] = {};
    if (fd >= 0) {
        message.msg_control = space;
        message.msg_controllen = sizeof space;
        cmsghdr* header = CMSG_FIRSTHDR(&message);
        header->cmsg_level = SOL_SOCKET;
        header->cmsg_type = SCM_RIGHTS;
        header->cmsg_len = CMSG_LEN(sizeof(int));
        std::memcpy(CMSG_DATA(header), &fd, sizeof(int));
    }
    return ::sendmsg(control, &message, MSG_NOSIGNAL) == static_cast<ssize_t>(text.size());
}

// "ended LATE STATUS" read into `run`; false when it is not that.
bool parse_ended(const std::string& text, ProbeRun& run) {
    int late = 0;
    int status = 0;
    if (text.rfind(TASKHOST_PROBE_SERVER_ENDED, 0) != 0 ||
        std::sscanf(text.c_str() + std::strlen(TASKHOST_PROBE_SERVER_ENDED), "%d %d", &late,
                    &status) != 2) {
        return false;
    }
    run.late = late != 0;
    run.status = status;
    return true;
}

bool trusted_library(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
        return false;
    }
    return !check_trusted_code_path(st, path, "library") &&
           !check_trusted_directory(std::filesystem::path(path).parent_path().string(),
                                    "library directory");
}

}  // namespace

std::vector<std::string> preloadable_libraries(const std::vector<std::string>& named) {
    std::vector<std::string> libraries;
    for (const std::string& path : named) {
        if (!path.empty() && path[0] == '/' && trusted_library(path) &&
            std::find(libraries.begin(), libraries.end(), path) == libraries.end()) {
            libraries.push_back(path);
        }
    }
    return libraries;
}

WarmProbe::~WarmProbe() {
    stop();
}

void WarmProbe::stop() {
    close_fd(control_);  // the server exits at EOF; SIGKILL makes sure
    if (pid_ > 0) {
        end_and_reap(pid_);
    }
    pid_ = -1;
    ready_ = false;
}

void WarmProbe::preload(const std::string& program, const std::vector<std::string>& named) {
    if (pid_ > 0 && program == program_ && named == last_named_) {
        return;  // a reload of the same plugin: nothing to check again
    }
    last_named_ = named;
    std::vector<std::string> libraries = preloadable_libraries(named);
    const bool known = std::all_of(libraries.begin(), libraries.end(), [this](const auto& path) {
        return std::find(libraries_.begin(), libraries_.end(), path) != libraries_.end();
    });
    if (libraries.empty() || (pid_ > 0 && program == program_ && known)) {
        return;
    }
    if (program == program_ && libraries_.size() + libraries.size() <= kMaxLibraries) {
        // Several plugins: the server keeps the union, so they do not restart it in turn.
        for (const std::string& path : libraries_) {
            if (std::find(libraries.begin(), libraries.end(), path) == libraries.end()) {
                libraries.push_back(path);
            }
        }
    }
    if (libraries == failed_) {
        return;
    }
    stop();
    program_ = program;
    libraries_ = std::move(libraries);
    start();
}

bool WarmProbe::start() {
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) {
        failed_ = libraries_;
        return false;
    }
    std::vector<std::string> args{program_, TASKHOST_PROBE_SERVE, std::to_string(::getpid())};
    args.insert(args.end(), libraries_.begin(), libraries_.end());
    std::string error;
    pid_ = spawn_probe_process(args, pair[1], error);
    ::close(pair[1]);
    control_ = pair[0];
    if (pid_ < 0) {
        close_fd(control_);
        failed_ = libraries_;
        return false;
    }
    ++started_;
    return true;
}

bool WarmProbe::wait_ready(Clock::time_point deadline, const CancelToken& cancel) {
    if (ready_) {
        return true;
    }
    const std::optional<std::string> said = receive(control_, deadline, &cancel);
    ready_ = said && *said == TASKHOST_PROBE_SERVER_READY;
    if (!ready_ && !cancel.requested()) {
        failed_ = libraries_;  // a server that cannot preload these is not started again
    }
    return ready_;
}

std::optional<ProbeRun> WarmProbe::run(const std::string& file, std::chrono::milliseconds limit,
                                       const CancelToken& cancel, size_t max_output) {
    if (pid_ <= 0 || !wait_ready(Clock::now() + limit, cancel)) {
        stop();
        return std::nullopt;
    }
    std::optional<ProbeRun> run = ask(file, limit, cancel, max_output);
    if (!run) {
        stop();  // it did not answer as it should: the caller probes cold, and no server with
        failed_ = libraries_;  // these libraries is started again
        return std::nullopt;
    }
    ++served_;
    return run;
}

std::optional<ProbeRun> WarmProbe::ask(const std::string& file, std::chrono::milliseconds limit,
                                       const CancelToken& cancel, size_t max_output) {
    ProbeRun run;
    const Clock::time_point start = Clock::now();
    int pipe[2];
    if (::pipe2(pipe, O_CLOEXEC) != 0) {
        return std::nullopt;
    }
    const std::string request =
        TASKHOST_PROBE_SERVER_PROBE + std::to_string(limit.count()) + " " + file;
    const bool sent = send_request(control_, request, pipe[1]);
    ::close(pipe[1]);
    if (!sent) {
        ::close(pipe[0]);
        return std::nullopt;
    }
    const ProbeEnding ending =
        read_probe_output(pipe[0], start + limit + kServerGrace, cancel, max_output, run.output);
    ::close(pipe[0]);
    if (ending != ProbeEnding::kEof) {
        send_request(control_, TASKHOST_PROBE_SERVER_KILL, -1);
    }
    const std::optional<std::string> ended =
        receive(control_, Clock::now() + kServerGrace, nullptr);
    if (!ended || !parse_ended(*ended, run)) {
        return std::nullopt;
    }
    run.overflowed = ending == ProbeEnding::kOverflow;
    run.cancelled = ending == ProbeEnding::kCancelled;
    run.late = run.late || ending == ProbeEnding::kLate;
    run.took = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
    return run;
}

}  // namespace taskhost
