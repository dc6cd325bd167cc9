// What the daemon counts for GET /metrics, as it happens: every task it answered or the
// manifest watch applied (by task, source and status, with its duration), every reload by
// result, and every HTTP request answer a plugin reports through host->answered (by plugin,
// the plugin's route template and status). Gauges (in flight, queue, plugins, pacer buckets,
// manifests) are read at the scrape (metrics_route.h). Only what the host sees or a plugin
// reports: no plugin's insides.
#pragma once

#include <string>

#include "daemon/audit_log.h"
#include "daemon/reload_report.h"
#include "metrics/metric_registry.h"
#include "tasks/plugin_answers.h"

namespace taskhost {

class DaemonMetrics {
  public:
    DaemonMetrics();
    DaemonMetrics(const DaemonMetrics&) = delete;
    DaemonMetrics& operator=(const DaemonMetrics&) = delete;

    // One audited task (API or watch): taskhost_tasks_total and its duration.
    void task_recorded(const AuditEntry& entry);
    // One reload's report: taskhost_reloads_total{result="ok|refused|failed"}.
    void reload_reported(const ReloadReport& report);
    // One request answer a plugin reported (already sanitised): taskhost_plugin_requests_total.
    void request_answered(const PluginAnswer& answer);
    // request_answered as the sink a task run offers its plugin (TaskRunOptions::on_answer).
    AnswerSink answer_sink();

    const MetricRegistry& registry() const { return registry_; }

  private:
    MetricRegistry registry_;
};

}  // namespace taskhost
