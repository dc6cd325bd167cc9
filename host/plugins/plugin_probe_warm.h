// The warm probe (issue 12), for the daemon's reloads: a long-lived `taskhost-plugin-probe
// --serve` process (host/probe/probe_server.c) that has the last passing plugin's dependencies
// loaded, and forks one child per probe, so that probing a changed plugin file costs a fork
// and the relocation of the plugin itself, not a new process loading Poco and OpenSSL again.
//
// The guarantees of the cold probe (plugin_probe.h) hold: the plugin runs only in the forked
// child, a process of its own (its own process group, no core dumps, not dumpable, the empty
// environment the server was started with), killed at the time limit by the server and, should
// the server not answer within a grace period, with the server by this host. A crash, exit or
// hang is reported as the cold probe reports it. The server is started like the probe (empty
// environment, its own process group, killed when this process goes), with only libraries that
// a probe child loaded and that are trusted as code (file_trust.h) on its command line; it is
// restarted (with the union, so several plugins do not restart it in turn) when a pass names
// libraries it lacks. Whenever the server cannot answer (it failed to
// start, died, or said something unexpected) it is killed and the file is probed cold: a
// failing server can slow a reload down, never pass a plugin.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "plugins/plugin_probe_run.h"
#include "util/cancellation.h"

namespace taskhost {

class WarmProbe {
  public:
    WarmProbe() = default;
    ~WarmProbe();  // kills the server and reaps it
    WarmProbe(const WarmProbe&) = delete;
    WarmProbe& operator=(const WarmProbe&) = delete;

    // Probes `file` through the server, as run_probe would; nullopt when no server is usable
    // (none wanted yet, or it failed): then the caller runs the cold probe.
    std::optional<ProbeRun> run(const std::string& file, std::chrono::milliseconds limit,
                                const CancelToken& cancel, size_t max_output);

    // After a pass: the libraries its probe reported. A server preloading them is started now
    // (in the background) unless the one running already does.
    void preload(const std::string& program, const std::vector<std::string>& libraries);

    uint64_t served() const { return served_; }    // probes the server answered
    uint64_t started() const { return started_; }  // servers started
    pid_t server_pid() const { return pid_; }      // -1 when none runs

  private:
    bool start();
    bool wait_ready(std::chrono::steady_clock::time_point deadline, const CancelToken& cancel);
    std::optional<ProbeRun> ask(const std::string& file, std::chrono::milliseconds limit,
                                const CancelToken& cancel, size_t max_output);
    void stop();

    std::string program_;
    std::vector<std::string> libraries_;   // what the server preloads (or is to)
    std::vector<std::string> failed_;      // a server with these libraries failed: not again
    std::vector<std::string> last_named_;  // what the last pass named, as it named it
    pid_t pid_ = -1;
    int control_ = -1;
    bool ready_ = false;
    uint64_t served_ = 0;
    uint64_t started_ = 0;
};

// The libraries named by the probe's "library PATH" lines that may be preloaded: trusted as
// code (owner this user or root, not writable by others, in trusted directories).
std::vector<std::string> preloadable_libraries(const std::vector<std::string>& named);

}  // namespace taskhost
