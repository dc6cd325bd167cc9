// GET /metrics: the Prometheus text exposition format 0.0.4, on the unix socket and (with its
// bearer token, like every route there) the TCP listener. The counters DaemonMetrics keeps,
// then gauges read now: tasks in flight and queued, each plugin's version and generation, the
// host pacer's buckets (hashes, never a key: turns granted, 429 holds, waiting tasks, time
// waited in acquire), the manifest watch's last run, and the build.
#pragma once

#include "daemon/daemon_api.h"

namespace taskhost {

void answer_metrics(DaemonContext& context, HttpAnswer& response);

}  // namespace taskhost
