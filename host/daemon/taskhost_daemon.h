// `taskhost serve` as an object: loads the plugins, listens (unix socket, optionally loopback
// TCP), serves the API, watches the plugin directory, and shuts down by draining. The tests
// run it in-process too; serve_command adds only the process around it (signals, exit code).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "config/host_config.h"
#include "daemon/audit_log.h"
#include "daemon/daemon_api.h"
#include "daemon/daemon_log.h"
#include "daemon/http_front.h"
#include "daemon/plugin_dir_watch.h"
#include "daemon/plugin_registry.h"
#include "daemon/plugin_reloader.h"
#include "daemon/socket_listener.h"
#include "daemon/task_board.h"
#include "daemon/task_queue.h"

namespace taskhost {

class TaskhostDaemon {
  public:
    // Everything up to "ready": a refusal of the config, the socket or the audit log is an
    // error; refused plugins are not (they are reported, and the daemon serves the others).
    static Result<std::unique_ptr<TaskhostDaemon>> start(HostConfig config, DaemonLog& log);
    ~TaskhostDaemon();  // shutdown() if not done
    TaskhostDaemon(const TaskhostDaemon&) = delete;
    TaskhostDaemon& operator=(const TaskhostDaemon&) = delete;

    // SIGHUP's path: asks for a reload and logs its result when done.
    void reload_in_background(const std::string& trigger);
    // A reload whose report the caller may wait for (SIGHUP under systemd: READY=1 after it).
    std::shared_future<std::shared_ptr<const ReloadReport>> reload(const std::string& trigger);
    // SIGHUP: the log file and the audit log reopened at their paths, so logrotate needs no
    // copytruncate.
    void reopen_logs();
    // One line for systemd's STATUS=: "serving: N plugins, M tasks in flight".
    std::string service_status() const;

    // Stops accepting (the socket file goes), lets queued and running tasks finish for up to
    // daemon.drain_timeout_ms, then cancels the rest (plugins see host->cancelled) and waits a
    // bounded time for them. A posted manifest starts no task once the drain begins; its tasks
    // under way are treated as the daemon's own. true: every task ended (none abandoned).
    bool shutdown();

    const HostConfig& config() const { return config_; }
    PluginRegistry& registry() { return registry_; }
    // The unix socket's path: the configured one, or the one systemd passed.
    const std::string& socket_path() const { return socket_path_; }

  private:
    TaskhostDaemon(HostConfig config, DaemonLog& log, std::unique_ptr<AuditLog> audit,
                   std::unique_ptr<Ledger> ledger);
    void audit_watched(const ManifestTaskResult& result);
    Check listen();
    Result<Poco::Net::ServerSocket> open_unix_socket();
    Check serve(Poco::Net::ServerSocket unix_socket,
                std::optional<Poco::Net::ServerSocket> tcp_socket,
                std::optional<std::string> token);
    bool answers_written(std::chrono::steady_clock::time_point deadline) const;
    // The task queue idle and no posted manifest running, or `deadline` passed.
    bool work_ended(std::chrono::steady_clock::time_point deadline) const;

    const HostConfig config_;
    DaemonLog& log_;
    std::unique_ptr<AuditLog> audit_;
    PluginRegistry registry_;
    DaemonMetrics metrics_;           // before the reloader, which reports to it
    std::unique_ptr<Ledger> ledger_;  // every task's journal and history; shared pacing
    HostPacer pacer_;
    std::unique_ptr<ManifestWatch> manifests_;  // goes before the pacer it uses
    TaskBoard board_;
    PluginReloader reloader_;
    std::unique_ptr<TaskQueue> queue_;
    std::unique_ptr<DaemonContext> context_;
    std::unique_ptr<PluginDirWatch> watch_;
    std::unique_ptr<DaemonApi> unix_api_;
    std::unique_ptr<DaemonApi> tcp_api_;
    std::unique_ptr<HttpFront> unix_front_;  // one event loop per listener
    std::unique_ptr<HttpFront> tcp_front_;
    std::unique_ptr<SocketFileCleanup> socket_file_;
    std::string socket_path_;  // what the unix listener is bound to (for the log)
    bool shut_down_ = false;
};

}  // namespace taskhost
