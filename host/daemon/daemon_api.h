// The HTTP/1.1 + JSON API of `taskhost serve`:
//   GET  /v1/health               liveness, load, plugin counts, version; 503 with the
//                                 reasons when unhealthy (health_route.h)
//   GET  /v1/plugins              each plugin's describe, generation, sha256, loaded_at, last
//                                 reload error; the last reload's report
//   POST /v1/plugins/reload       reloads now; answers the report (per plugin: loaded version
//                                 and sha256, or why it was refused)
//   POST /v1/tasks[?wait=false]   runs a task (user spec naming an account, never a key);
//                                 200 outcome, 422 failed outcome, 400 invalid input,
//                                 202 {"id"} when wait=false, 503 + Retry-After when full
//   GET  /v1/tasks/{id}           an async task's status and, once done, its outcome
//   DELETE /v1/tasks/{id}         cancels a queued or running task: 202, or 409 when done
//   GET  /v1/manifests            the last plan and apply of each manifest in manifests_dir
//   POST /v1/manifests/plan|apply a posted manifest planned or applied by the daemon, every
//                                 task's result in one answer (manifest_routes.h)
//   GET  /metrics                 Prometheus text format 0.0.4 (metrics_route.h)
// Unknown route 404, wrong method 405 (with Allow), oversized body 413; every error body has
// the outcome's shape (see api_response.h). On the TCP listener every request needs
// "Authorization: Bearer TOKEN", checked as soon as the head is read, before the body.
// The routes get requests read whole by the listener's front (http_front.h).
#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <string>

#include "config/host_config.h"
#include "daemon/audit_log.h"
#include "daemon/daemon_log.h"
#include "daemon/daemon_metrics.h"
#include "daemon/http_service.h"
#include "daemon/plugin_registry.h"
#include "daemon/plugin_reloader.h"
#include "daemon/task_board.h"
#include "daemon/task_queue.h"
#include "manifest/manifest_watch.h"
#include "pacing/host_pacer.h"
#include "util/cancellation.h"

namespace taskhost {

// Everything the request handlers share. Owned by TaskhostDaemon, which outlives the servers.
struct DaemonContext {
    const HostConfig& config;
    PluginRegistry& registry;
    PluginReloader& reloader;
    TaskQueue& queue;
    TaskBoard& board;
    AuditLog& audit;
    DaemonLog& log;
    HostPacer& pacer;        // one per daemon: every task's requests per API key, across reloads
    Ledger& ledger;          // what every process on the ledger agrees on (ledger/ledger.h)
    DaemonMetrics& metrics;  // GET /metrics' counters (daemon_metrics.h)
    ManifestWatch* manifests = nullptr;                // null unless daemon.manifests_dir is set
    std::shared_ptr<const ReloadReport> start_report;  // the load at start, set before listening
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    std::atomic<bool> draining{false};
    std::atomic<int> active_requests{0};
    // Manifests posted to the API (POST /v1/manifests/*) that are running, and the drain's two
    // moments for them, as for the daemon's own tasks: once it begins no task of theirs starts;
    // once its time is up the tasks under way are cancelled (taskhost_daemon.h, shutdown).
    std::atomic<int> posted_runs{0};
    CancelToken drain_begun;
    CancelToken drain_expired;
};

class DaemonApi : public HttpService {
  public:
    // `bearer_token` set: the TCP listener, which checks it on every request.
    DaemonApi(DaemonContext& context, std::optional<std::string> bearer_token);

    std::optional<HttpAnswer> admit(const HttpRequest& head) override;
    HttpLane lane(const HttpRequest& head) const override;
    HttpAnswer answer(HttpRequest& request) override;
    HttpAnswer refusal(int status, const std::string& kind, const std::string& msg,
                       const std::string& fix) const override;

  private:
    DaemonContext& context_;
    std::optional<std::string> bearer_token_;
};

}  // namespace taskhost
