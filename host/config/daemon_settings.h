// The "daemon" section of the host config: where `taskhost serve` listens, who may connect,
// how much work it takes on at once, and how long it drains on SIGTERM. Strict like the rest
// of the config: an unknown field is refused, every number has a range.
#pragma once

#include <Poco/Dynamic/Var.h>

#include <cstdint>
#include <optional>
#include <string>

namespace taskhost {

constexpr const char* kDefaultSocketPath = "/run/taskhost/taskhost.sock";

// Opt-in loopback TCP listener; every request must carry "Authorization: Bearer TOKEN".
struct TcpListenerSettings {
    uint16_t port = 0;
    std::string token_file;  // absolute; a 0600/0400 file like an account's api_key_file
};

struct DaemonSettings {
    std::string socket = kDefaultSocketPath;   // absolute
    std::optional<std::string> group;          // the socket's group (mode 0660)
    int max_concurrency = 4;                   // tasks running at once
    int max_queue = 64;                        // tasks waiting for a worker; beyond: 503
    int64_t drain_timeout_ms = 30000;          // SIGTERM: how long in-flight tasks may finish
    int keep_finished_tasks = 1000;            // async results kept for GET /v1/tasks/{id}
    std::optional<std::string> audit_log;      // absolute; absent: audit lines go to stderr
    bool watch_plugin_dir = true;              // reload when the plugin directory changes
    std::optional<std::string> manifests_dir;  // absolute; plan + apply its manifests on change
    std::optional<TcpListenerSettings> tcp;
    // Per listener. At the limit, the connection idle or sending the longest makes room.
    int max_connections = 1024;
    int64_t head_timeout_ms = 10000;       // a whole request head, from the connection's start
    int64_t body_timeout_ms = 10000;       // a whole request body, from the head's end
    int64_t keep_alive_timeout_ms = 5000;  // idle between two requests on one connection
    // How long a new plugin file's load and describe may take in the probe (every command).
    int64_t plugin_probe_timeout_ms = 5000;
    // The daemon's log: "text" (time, level, message) or "json" (one object per line), and the
    // least level written ("debug", "info", "warn", "error"). --log-format/--log-level win.
    std::string log_format = "text";
    std::string log_level = "info";
    // absolute; the daemon's log lines go to this file (0640, appended, reopened on SIGHUP)
    // instead of stderr. --log-file wins.
    std::optional<std::string> log_file;
};

// Reads the section at `$.daemon` of config `file`; relative paths are taken from `base_dir`.
// Throws HostErrorException naming the file, the JSON path and the fix (host_config turns it
// into a value at its edge).
DaemonSettings read_daemon_settings(const Poco::Dynamic::Var& section, const std::string& file,
                                    const std::string& base_dir);

}  // namespace taskhost
