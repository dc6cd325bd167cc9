// What plan or apply did with one manifest task (or one manifest file that could not be read):
// one JSON object per task, in the outcome shape agents already read (status, changed, failed,
// msg, error), plus where it came from and why it was or was not sent.
//
//   {"manifest": "m.json", "name": "example-com", "task": "digicert.dcv.resend",
//    "account": "prod-us", "status": "succeeded", "changed": true, "failed": false,
//    "msg": "...", "reason": "never_sent", "in_doubt": false,
//    "last_sent_at": "...", "next_due_at": "...", "outcome": {... the plugin's outcome ...}}
#pragma once

#include <Poco/JSON/Object.h>

#include <optional>
#include <string>

#include "ledger/ledger_records.h"
#include "manifest/manifest.h"
#include "manifest/manifest_tasks.h"
#include "util/host_error.h"

namespace taskhost {

struct ManifestTaskResult {
    std::string manifest;
    std::optional<size_t> index;  // absent: the whole file
    std::string name;             // "" when the task's name could not be read
    std::string task;
    std::string account;
    std::string subject;  // what the task acts on (a domain), when its plugin names it
    std::string status;   // succeeded, skipped, planned, failed, cancelled
    bool changed = false;
    bool failed = false;
    std::string msg;
    // never_sent | interval_passed | last_sent_in_future | forced | in_doubt | within_interval |
    // in_progress | duplicate | plugin_skipped | invalid | failed | cancelled | not_run |
    // listing_failed (a for_each's listing failed) | no_items (it listed none)
    std::string reason;
    bool in_doubt = false;
    bool invalid = false;  // refused before anything ran (manifest, config or params)
    LedgerVerdict verdict;
    Poco::JSON::Object::Ptr outcome;  // the plugin's, when it ran
    Poco::JSON::Object::Ptr error;    // the host's error object, when the host refused the task

    Poco::JSON::Object::Ptr to_json() const;
};

// A manifest problem (a whole file, or one task) as a failed, invalid result.
ManifestTaskResult invalid_result(const ManifestProblem& problem);
// A task refused after parsing (unknown plugin task, account, params, journal).
ManifestTaskResult invalid_result(const ManifestTask& task, const HostError& error);

// The result's label for people: "m.json: example-com" (or "m.json" for a whole file).
std::string result_label(const ManifestTaskResult& result);

}  // namespace taskhost
