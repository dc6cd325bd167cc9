// The probe: before the host dlopens a new plugin file (its private copy) in its own process,
// a short-lived child (the taskhost-plugin-probe program, host/probe/) loads the same copy,
// resolves both ABI symbols and calls plugin_describe, with a time limit. A plugin whose load or
// describe crashes, exits or never returns is refused with what happened, and the child (with
// anything it started) is killed and reaped on every path: the host never runs that code.
#pragma once

#include <chrono>
#include <string>

#include "util/cancellation.h"
#include "util/host_error.h"

namespace taskhost {

constexpr std::chrono::milliseconds kDefaultPluginProbeTimeout(5000);

struct PluginProbeOptions {
    // How long loading and describing may take together (daemon: plugin_probe_timeout_ms).
    std::chrono::milliseconds timeout = kDefaultPluginProbeTimeout;
    // The probe program. Empty: $TASKHOST_PLUGIN_PROBE when set, else taskhost-plugin-probe
    // next to the running executable (see locate_probe_program).
    std::string program;
    // Cancelled: a probe under way is killed at once and the file refused ("the host is
    // stopping"); the daemon's reloader cancels it when it stops.
    CancelToken cancel;
};

// Probes `copy` (the private copy of the plugin file `path`, which errors name) and answers the
// describe JSON it returned. `took` is set to how long the probe ran.
Result<std::string> probe_plugin(const std::string& copy, const std::string& path,
                                 const PluginProbeOptions& options,
                                 std::chrono::microseconds& took);

}  // namespace taskhost
