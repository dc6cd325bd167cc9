// GET /v1/health: liveness, load and plugin counts, the version, and the verdict
// (health_verdict.h): 200 {"status": "ok"}, 503 {"status": "unavailable", "reasons": [...]},
// 503 {"status": "draining"} once SIGTERM came.
#pragma once

#include "daemon/daemon_api.h"

namespace taskhost {

void answer_health(DaemonContext& context, HttpAnswer& response);

}  // namespace taskhost
