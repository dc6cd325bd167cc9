// The probe: before the host dlopens a new plugin file (its private copy) in its own process,
// a short-lived child (the taskhost-plugin-probe program, host/probe/) loads the same copy,
// resolves both ABI symbols and calls plugin_describe, with a time limit. A plugin whose load or
// describe crashes, exits or never returns is refused with what happened, and the child (with
// anything it started) is killed and reaped on every path: the host never runs that code.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "plugins/plugin_probe_warm.h"
#include "plugins/probe_verdict_cache.h"
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
    // Passes already seen (probe_verdict_cache.h), shared by the copies of these options: each
    // PluginLibrary starts with a cache in memory; the CLI gives one with a directory. Null:
    // every file is probed.
    std::shared_ptr<ProbeVerdictCache> verdicts = std::make_shared<ProbeVerdictCache>();
    // The warm probe server (plugin_probe_warm.h), the daemon's reloader sets one. Null: each
    // probe is a new process.
    std::shared_ptr<WarmProbe> warm;
};

// Probes `copy` (the private copy of the plugin file `path`, which errors name) and answers the
// describe JSON it returned. `took` is set to how long the probe ran.
Result<std::string> probe_plugin(const std::string& copy, const std::string& path,
                                 const PluginProbeOptions& options,
                                 std::chrono::microseconds& took);

// probe_plugin, unless options.verdicts holds a pass for these bytes (`copy_sha256`, the
// SHA-256 of `copy`) with this probe and host: then no probe runs and `took` is 0. A pass whose
// describe JSON is usable (JSON, ABI) is remembered; a refusal never is.
Result<std::string> probe_plugin_cached(const std::string& copy, const std::string& path,
                                        const std::string& copy_sha256,
                                        const PluginProbeOptions& options,
                                        std::chrono::microseconds& took);

}  // namespace taskhost
