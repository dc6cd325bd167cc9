#include "daemon/daemon_metrics.h"

namespace taskhost {

DaemonMetrics::DaemonMetrics() {
    registry_.declare("taskhost_tasks_total",
                      "Tasks the daemon answered or its manifest watch applied, by outcome.",
                      MetricType::kCounter);
    registry_.declare("taskhost_task_duration_seconds",
                      "How long tasks took, from their arrival to their answer.",
                      MetricType::kHistogram,
                      {0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300});
    registry_.declare("taskhost_reloads_total", "Plugin reloads (and the load at start) by result.",
                      MetricType::kCounter);
    registry_.declare("taskhost_plugin_requests_total",
                      "HTTP requests plugins reported through host->answered, by route template "
                      "and HTTP status (0: no answer, such as a network or TLS failure).",
                      MetricType::kCounter);
}

void DaemonMetrics::task_recorded(const AuditEntry& entry) {
    const std::string task = entry.facts.task.empty() ? "unknown" : entry.facts.task;
    registry_.add("taskhost_tasks_total",
                  {{"task", task}, {"source", entry.facts.source}, {"status", entry.status}});
    if (entry.facts.source != "watch") {  // the watch does not time its tasks
        registry_.observe("taskhost_task_duration_seconds", {{"task", task}},
                          static_cast<double>(entry.duration_ms) / 1000.0);
    }
}

void DaemonMetrics::reload_reported(const ReloadReport& report) {
    const char* result = report.directory_error ? "failed"
                         : report.refused() > 0 ? "refused"
                                                : "ok";
    registry_.add("taskhost_reloads_total", {{"result", result}});
}

void DaemonMetrics::request_answered(const PluginAnswer& answer) {
    registry_.add("taskhost_plugin_requests_total",
                  {{"plugin", answer.plugin}, {"route", answer.route}, {"status", answer.status}});
}

AnswerSink DaemonMetrics::answer_sink() {
    return [this](const PluginAnswer& answer) { request_answered(answer); };
}

}  // namespace taskhost
