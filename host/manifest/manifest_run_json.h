// A plan's or apply's report as JSON, both ways: the daemon's answers (GET /v1/manifests, and
// POST /v1/manifests/plan|apply) write it; `taskhost plan|apply --socket` reads it back and
// reports it as a local run would.
//   {"summary": {"manifests", "tasks", "sent", "would_send", "unchanged", "failed", "invalid",
//                "in_doubt", "strict_refused", "elapsed_ms"},
//    "results": [ManifestTaskResult::to_json(), ...]}
#pragma once

#include <Poco/JSON/Object.h>

#include "manifest/manifest_run.h"
#include "util/host_error.h"

namespace taskhost {

Poco::JSON::Object::Ptr summary_json(const ManifestRunSummary& summary);
Poco::JSON::Object::Ptr report_json(const ManifestRunReport& report);

// Reads what report_json wrote. An error names the field that is missing or of the wrong type.
Result<ManifestRunReport> report_from_json(const Poco::JSON::Object::Ptr& json);

}  // namespace taskhost
