// One thread does every reload, one at a time. A trigger (SIGHUP, POST /v1/plugins/reload, a
// change in the plugin directory) asks for a reload and gets a future of its report. Triggers
// that arrive while a reload is waiting to start join that one; a trigger that arrives while
// one is running gets the next, which starts when the running one ends, so it sees every
// change made before it was asked for. Each caller is told the result of the reload it joined.
// A new plugin file is probed in a child with a time limit first (plugins/plugin_probe.h), so
// no plugin can wedge the reload thread: a reload ends within about that limit per new file.
#pragma once

#include <condition_variable>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "daemon/daemon_log.h"
#include "daemon/plugin_registry.h"
#include "daemon/reload_report.h"
#include "plugins/plugin_library.h"

namespace taskhost {

class PluginReloader {
  public:
    // `probe`: the limit (the daemon's plugin_probe_timeout_ms) and program of the plugin probe.
    PluginReloader(std::string plugin_dir, PluginRegistry& registry, DaemonLog& log,
                   PluginProbeOptions probe = PluginProbeOptions());
    ~PluginReloader();  // stop()
    PluginReloader(const PluginReloader&) = delete;
    PluginReloader& operator=(const PluginReloader&) = delete;

    // `trigger` names the cause in the report and the log ("start", "sighup", "api", "watch").
    std::shared_future<std::shared_ptr<const ReloadReport>> request(const std::string& trigger);

    // Finishes the reload in progress (a pending one is answered with what is serving), then
    // joins the thread. Later requests are answered the same way, without reloading. A probe
    // under way is cancelled (its child killed, the file refused), so this returns promptly.
    void stop();

    // Told every report (the load at start included), on the reload thread. Set it before the
    // first request.
    void observe_reports(std::function<void(const ReloadReport&)> observer);

  private:
    struct Pending {
        std::vector<std::string> triggers;
        std::promise<std::shared_ptr<const ReloadReport>> promise;
        std::shared_future<std::shared_ptr<const ReloadReport>> future;
    };

    void run();
    std::shared_ptr<const ReloadReport> reload(const std::vector<std::string>& triggers);
    void log_report(const ReloadReport& report);

    const std::string plugin_dir_;
    PluginRegistry& registry_;
    DaemonLog& log_;
    const CancelToken stop_probes_;  // cancels the library's probes when stopping
    PluginLibrary library_;          // used by the reload thread only
    uint64_t serial_ = 0;
    std::function<void(const ReloadReport&)> observer_;  // set before the first request

    std::mutex mutex_;
    std::condition_variable wake_;
    std::unique_ptr<Pending> pending_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace taskhost
