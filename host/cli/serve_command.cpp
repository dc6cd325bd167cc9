#include "cli/serve_command.h"

#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>

#include <cstdlib>
#include <ostream>

#include "cli/cli_args.h"
#include "cli/cli_help.h"
#include "cli/command_startup.h"
#include "daemon/taskhost_daemon.h"
#include "tasks/outcome.h"

namespace taskhost {

int serve_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    Result<ServeOptions> options = parse_serve_args(args);
    if (!options.ok()) {
        err << "taskhost: " << options.error().text() << std::endl;
        return kExitUsage;
    }
    if (options.value().help) {
        out << serve_help();
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
    if (options.value().socket) {
        const std::string& socket = *options.value().socket;
        if (socket.size() > 107 || socket.empty()) {
            err << "taskhost: --socket: is longer than a unix socket address holds (107 bytes); "
                   "fix: choose a shorter path"
                << std::endl;
            return kExitUsage;
        }
        config.daemon.socket = socket;
    }

    // Blocked before any thread starts, so every thread inherits the mask and only sigwait
    // below ever sees these signals.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGHUP);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    // A caller that hangs up mid-answer must not kill the daemon.
    signal(SIGPIPE, SIG_IGN);

    DaemonLog log(err);
    const std::string socket_path = config.daemon.socket;
    Result<std::unique_ptr<TaskhostDaemon>> daemon = TaskhostDaemon::start(std::move(config), log);
    if (!daemon.ok()) {
        log.line(daemon.error().text());
        return kExitUsage;
    }
    const auto catalog = daemon.value()->registry().catalog();
    log.line("serving on " + socket_path + " (" + std::to_string(catalog->plugins().size()) +
             " plugins, " + std::to_string(catalog->refusals().size()) + " refused); ready");

    for (;;) {
        int signal_number = 0;
        if (sigwait(&signals, &signal_number) != 0) {
            continue;
        }
        if (signal_number == SIGHUP) {
            log.line("SIGHUP: reloading plugins");
            daemon.value()->reload_in_background("sighup");
            continue;
        }
        log.line(std::string(signal_number == SIGTERM ? "SIGTERM" : "SIGINT") +
                 ": draining (no new tasks; in-flight ones finish)");
        break;
    }
    if (!daemon.value()->shutdown()) {
        // Threads stuck in a plugin that ignores cancellation cannot be joined; leave now.
        log.line("stopped with tasks abandoned");
        std::_Exit(kExitTaskFailed);
    }
    daemon.value().reset();
    log.line("stopped");
    return kExitOk;
}

}  // namespace taskhost
