// POST /v1/manifests/plan and POST /v1/manifests/apply: a manifest posted as the body is
// planned or applied by the daemon, with its plugins, its pacer and its ledger, exactly as
// `taskhost plan|apply` would locally, and answered once with every task's result:
//   200 {"summary": {...}, "results": [...]}  (manifest/manifest_run_json.h)
// Query: name=FILE (how results and messages name the manifest, default "posted.json"),
// concurrency=N (1-64, default 8), strict=true|false, force=true|false (apply only).
// A manifest that cannot be read is one invalid result, as locally; a body over 1 MiB is 413,
// an unknown or bad query parameter 400, a draining daemon 503. Each applied task is audited
// (source "api") and counted in the metrics. One request carries a whole manifest, so an
// agent applies a thousand resends over one connection (`taskhost apply --socket`).
#pragma once

#include <map>
#include <string>

#include "daemon/daemon_api.h"
#include "daemon/http_message.h"
#include "daemon/task_routes.h"
#include "manifest/manifest_run.h"

namespace taskhost {

void post_manifest(DaemonContext& context, ManifestMode mode, const HttpRequest& request,
                   HttpAnswer& response, const std::map<std::string, std::string>& query,
                   const ApiCaller& caller);

}  // namespace taskhost
