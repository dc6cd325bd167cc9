// A plan's or apply's report as JSON, both ways: the daemon's answers (GET /v1/manifests, and
// POST /v1/manifests/plan|apply) write it; `taskhost plan|apply --socket` reads it back and
// reports it as a local run would. A client splits a whole report without building it as JSON
// objects (a 2,000-task answer is 2.4 MB), and `--json` passes each result's text on as it came.
//   {"summary": {"manifests", "tasks", "sent", "would_send", "unchanged", "failed", "invalid",
//                "in_doubt", "strict_refused", "elapsed_ms"},
//    "results": [ManifestTaskResult::to_json(), ...]}
#pragma once

#include <Poco/JSON/Object.h>

#include <string>
#include <string_view>
#include <vector>

#include "manifest/manifest_run.h"
#include "util/host_error.h"

namespace taskhost {

Poco::JSON::Object::Ptr summary_json(const ManifestRunSummary& summary);
Poco::JSON::Object::Ptr report_json(const ManifestRunReport& report);

// Read back what summary_json and ManifestTaskResult::to_json wrote. An error names the field
// that is missing or of the wrong type.
Result<ManifestRunSummary> summary_from_json(const Poco::JSON::Object::Ptr& json);
Result<ManifestTaskResult> result_from_json(const Poco::JSON::Object::Ptr& json);

// What to_json(report_json(...)) wrote, split: the summary read, and each result's text as a span
// of `body`. The whole body is checked to be well-formed JSON (nesting at most 64) first; an error
// names the field that is missing or of the wrong type, or where the text is malformed.
struct ReportText {
    ManifestRunSummary summary;
    std::vector<std::string_view> results;  // each a JSON object, into `body`
};
Result<ReportText> split_report_text(std::string_view body, const std::string& what);

}  // namespace taskhost
