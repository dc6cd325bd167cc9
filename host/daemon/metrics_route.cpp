#include "daemon/metrics_route.h"

#include "daemon/daemon_metrics.h"
#include "daemon/health_verdict.h"
#include "ledger/utc_time.h"

namespace taskhost {
namespace {

// Tasks, queue and plugins, as they are now.
void read_daemon_gauges(DaemonContext& context, MetricRegistry& now) {
    now.declare("taskhost_tasks_in_flight", "Tasks running now.", MetricType::kGauge);
    now.declare("taskhost_task_queue_depth", "Tasks waiting for a worker now.", MetricType::kGauge);
    now.declare("taskhost_plugin_info", "Each plugin serving now, by version and generation.",
                MetricType::kGauge);
    now.declare("taskhost_build_info", "This taskhost's version.", MetricType::kGauge);
    now.set("taskhost_tasks_in_flight", {}, static_cast<double>(context.queue.running()));
    now.set("taskhost_task_queue_depth", {}, static_cast<double>(context.queue.queued()));
    for (const auto& plugin : context.registry.catalog()->plugins()) {
        now.set("taskhost_plugin_info",
                {{"plugin", plugin->name()},
                 {"version", plugin->description().version},
                 {"generation", std::to_string(plugin->generation())}},
                1);
    }
    now.set("taskhost_build_info", {{"version", taskhost_version()}}, 1);
}

// The host pacer's live buckets (a bucket is a hash of its key). A bucket idle long enough is
// forgotten by the pacer; its counters then start again at 0, which Prometheus reads as a
// counter reset.
void read_pacer(DaemonContext& context, MetricRegistry& now) {
    now.declare("taskhost_pacer_turns_total", "Turns the host pacer granted, per bucket.",
                MetricType::kCounter);
    now.declare("taskhost_pacer_throttles_total",
                "429 holds reported through host->throttled, per bucket.", MetricType::kCounter);
    now.declare("taskhost_pacer_waiting_tasks", "Tasks waiting for a pacing turn, per bucket.",
                MetricType::kGauge);
    now.declare("taskhost_pacer_wait_seconds_total",
                "Time tasks spent waiting in host->acquire for a turn, per bucket.",
                MetricType::kCounter);
    for (const auto& [bucket, stats] : context.pacer.stats()) {
        now.set("taskhost_pacer_turns_total", {{"bucket", bucket}},
                static_cast<double>(stats.granted));
        now.set("taskhost_pacer_throttles_total", {{"bucket", bucket}},
                static_cast<double>(stats.throttles));
        now.set("taskhost_pacer_waiting_tasks", {{"bucket", bucket}},
                static_cast<double>(stats.waiting));
        now.set("taskhost_pacer_wait_seconds_total", {{"bucket", bucket}}, stats.waited.count());
    }
}

void read_manifests(DaemonContext& context, MetricRegistry& now) {
    if (context.manifests == nullptr) {
        return;
    }
    const Poco::JSON::Object::Ptr status = context.manifests->status();
    if (!status->has("last_run_at")) {
        return;  // no run yet
    }
    now.declare("taskhost_manifest_last_run_timestamp_seconds",
                "When the manifest watch last planned and applied its manifests.",
                MetricType::kGauge);
    now.declare("taskhost_manifest_last_run_success",
                "1 when the last apply of every manifest succeeded, else 0.", MetricType::kGauge);
    if (auto at = parse_utc(status->getValue<std::string>("last_run_at"))) {
        now.set("taskhost_manifest_last_run_timestamp_seconds", {},
                static_cast<double>(to_epoch_ms(*at)) / 1000.0);
    }
    now.set("taskhost_manifest_last_run_success", {}, manifests_applied_cleanly(*status) ? 1 : 0);
}

}  // namespace

void answer_metrics(DaemonContext& context, HttpAnswer& response) {
    MetricRegistry now;
    read_daemon_gauges(context, now);
    read_pacer(context, now);
    read_manifests(context, now);
    response.status = 200;
    response.content_type = "text/plain; version=0.0.4; charset=utf-8";
    const MetricRegistry& counted = context.metrics.registry();
    response.body = counted.exposition() + now.exposition() +
                    dropped_series_exposition(counted.dropped() + now.dropped());
}

}  // namespace taskhost
