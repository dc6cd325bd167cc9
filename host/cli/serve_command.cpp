#include "cli/serve_command.h"

#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <ostream>

#include "cli/cli_args.h"
#include "cli/cli_help.h"
#include "cli/command_startup.h"
#include "daemon/log_file.h"
#include "daemon/systemd_service.h"
#include "daemon/taskhost_daemon.h"
#include "tasks/outcome.h"
#include "util/bounded_json.h"

namespace taskhost {
namespace {

// How often systemd's STATUS= line is refreshed while the daemon waits for a signal.
constexpr time_t kStatusEverySeconds = 5;

// Blocked before any thread starts, so every thread inherits the mask and only the signal
// loop below ever sees these signals.
sigset_t block_daemon_signals() {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGHUP);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    // A caller that hangs up mid-answer must not kill the daemon.
    signal(SIGPIPE, SIG_IGN);
    return signals;
}

// SIGHUP: logs reopened (logrotate), plugins reloaded; systemd hears RELOADING=1, then
// READY=1 once the reload is done (it ends within the probe's limit per new file).
void reload_on_sighup(TaskhostDaemon& daemon, DaemonLog& log) {
    log.line("SIGHUP: reopening the logs and reloading plugins");
    notify_reloading();
    daemon.reopen_logs();
    daemon.reload("sighup").wait();
    notify_service("READY=1\nSTATUS=" + daemon.service_status());
}

// Serves until SIGTERM or SIGINT, whose name it returns.
std::string serve_until_stopped(const sigset_t& signals, TaskhostDaemon& daemon, DaemonLog& log) {
    const struct timespec every { kStatusEverySeconds, 0 };
    for (;;) {
        const int signal_number = sigtimedwait(&signals, nullptr, &every);
        if (signal_number < 0) {
            if (errno == EAGAIN) {
                notify_service("STATUS=" + daemon.service_status());
            }
            continue;
        }
        if (signal_number == SIGHUP) {
            reload_on_sighup(daemon, log);
            continue;
        }
        return signal_number == SIGTERM ? "SIGTERM" : "SIGINT";
    }
}

// --socket over the config's; false (after saying why) when it cannot be a socket address.
bool apply_socket_flag(const ServeOptions& options, HostConfig& config, std::ostream& err) {
    if (!options.socket) {
        return true;
    }
    const std::string& socket = *options.socket;
    if (socket.size() > 107 || socket.empty()) {
        err << "taskhost: --socket: is longer than a unix socket address holds (107 bytes); "
               "fix: choose a shorter path"
            << std::endl;
        return false;
    }
    config.daemon.socket = socket;
    return true;
}

int run_daemon(HostConfig config, DaemonLog& log) {
    const sigset_t signals = block_daemon_signals();
    Result<std::unique_ptr<TaskhostDaemon>> daemon = TaskhostDaemon::start(std::move(config), log);
    if (!daemon.ok()) {
        log.line(daemon.error().text(), LogLevel::kError);
        return kExitUsage;
    }
    TaskhostDaemon& running = *daemon.value();
    const auto catalog = running.registry().catalog();
    log.line("serving on " + running.socket_path() + " (" +
             std::to_string(catalog->plugins().size()) + " plugins, " +
             std::to_string(catalog->refusals().size()) + " refused); ready");
    notify_service("READY=1\nSTATUS=" + running.service_status());

    const std::string stop = serve_until_stopped(signals, running, log);
    notify_service("STOPPING=1\nSTATUS=draining");
    log.line(stop + ": draining (no new tasks; in-flight ones finish)");
    if (!running.shutdown()) {
        // Threads stuck in a plugin that ignores cancellation cannot be joined; leave now.
        log.line("stopped with tasks abandoned");
        std::_Exit(kExitTaskFailed);
    }
    daemon.value().reset();
    log.line("stopped");
    return kExitOk;
}

// --log-format, --log-level and --log-file, taken out of `args` (the rest goes to
// parse_serve_args).
struct LogFlags {
    std::optional<std::string> format;
    std::optional<std::string> level;
    std::optional<std::string> file;  // made absolute
};

// Which of the log flags `arg` is ("--log-format" or "--log-format=..."), or "".
std::string log_flag_name(const std::string& arg) {
    for (const char* name : {"--log-format", "--log-level", "--log-file"}) {
        const std::string flag = name;
        if (arg == flag || arg.rfind(flag + "=", 0) == 0) {
            return flag;
        }
    }
    return "";
}

// Checks `value` of log flag `flag` and keeps it in `flags`.
Check keep_log_flag(const std::string& flag, const std::string& value, LogFlags& flags) {
    if (flag == "--log-file") {
        if (value.empty()) {
            return HostError{flag, "is empty", "write --log-file PATH"};
        }
        flags.file = std::filesystem::absolute(value).lexically_normal().string();
        return std::nullopt;
    }
    const bool format = flag == "--log-format";
    if (format ? !parse_log_format(value) : !parse_log_level(value)) {
        return HostError{flag, "\"" + printable(value, 32) + "\" is not known",
                         format ? "write text or json" : "write debug, info, warn or error"};
    }
    (format ? flags.format : flags.level) = value;
    return std::nullopt;
}

Result<LogFlags> take_log_flags(std::vector<std::string>& args) {
    LogFlags flags;
    std::vector<std::string> rest;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        const std::string flag = log_flag_name(arg);
        if (flag.empty()) {
            rest.push_back(arg);
            continue;
        }
        const size_t equals = arg.find('=');
        if (equals == std::string::npos && i + 1 >= args.size()) {
            return HostError{arg, "needs a value",
                             flag == "--log-format"  ? "write --log-format text|json"
                             : flag == "--log-level" ? "write --log-level debug|info|warn|error"
                                                     : "write --log-file PATH"};
        }
        const std::string value = equals != std::string::npos ? arg.substr(equals + 1) : args[++i];
        if (Check bad = keep_log_flag(flag, value, flags)) {
            return *bad;
        }
    }
    args = std::move(rest);
    return flags;
}

// --log-file over the config's daemon.log_file; nullptr: the log goes to stderr.
Result<std::unique_ptr<LogFile>> open_log_file(const DaemonSettings& settings,
                                               const LogFlags& flags) {
    if (flags.file) {
        return LogFile::open(*flags.file, {"--log-file"});
    }
    if (settings.log_file) {
        return LogFile::open(*settings.log_file, {"daemon.log_file"});
    }
    return std::unique_ptr<LogFile>();
}

// The config's daemon.log_format/log_level, with the flags over them (both already checked).
LogStyle log_style(const DaemonSettings& settings, const LogFlags& flags) {
    LogStyle style;
    style.format = *parse_log_format(flags.format.value_or(settings.log_format));
    style.level = *parse_log_level(flags.level.value_or(settings.log_level));
    return style;
}

}  // namespace

std::string serve_command_help() {
    return serve_help() +
           "\nLogging:\n"
           "  --log-format text|json     text: time, level and message per line (default);\n"
           "                             json: one {ts, level, msg, job} object per line\n"
           "  --log-level LEVEL          debug, info (default), warn or error\n"
           "  --log-file PATH            append the log to PATH (created 0640) instead of\n"
           "                             stderr; SIGHUP reopens it (logrotate)\n"
           "  (or daemon.log_format / daemon.log_level / daemon.log_file in the config; the\n"
           "  flags win)\n";
}

int serve_command(const std::vector<std::string>& given, std::ostream& out, std::ostream& err) {
    std::vector<std::string> args = given;
    Result<LogFlags> log_flags = take_log_flags(args);
    if (!log_flags.ok()) {
        err << "taskhost: " << log_flags.error().text() << std::endl;
        return kExitUsage;
    }
    Result<ServeOptions> options = parse_serve_args(args);
    if (!options.ok()) {
        err << "taskhost: " << options.error().text() << std::endl;
        return kExitUsage;
    }
    if (options.value().help) {
        out << serve_command_help();
        return kExitOk;
    }
    Result<std::unique_ptr<CommandStartup>> started =
        start_command(options.value().config, Startup::kConfigOnly, err);
    if (!started.ok()) {
        err << "taskhost: " << started.error().text() << std::endl;
        return kExitUsage;
    }
    // The daemon's memory holds API keys (in Poco's buffers too, which it cannot wipe): no core
    // file, no ptrace by other processes of this user, unless asked (issue 9).
    if (!options.value().allow_core_dumps) {
        ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    }
    HostConfig& config = started.value()->config;
    if (!apply_socket_flag(options.value(), config, err)) {
        return kExitUsage;
    }
    Result<std::unique_ptr<LogFile>> log_file = open_log_file(config.daemon, log_flags.value());
    if (!log_file.ok()) {
        err << "taskhost: " << log_file.error().text() << std::endl;
        return kExitUsage;
    }
    DaemonLog log(err, log_style(config.daemon, log_flags.value()), std::move(log_file.value()));
    return run_daemon(std::move(config), log);
}

}  // namespace taskhost
