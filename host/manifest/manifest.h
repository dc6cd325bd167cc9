// A manifest: a version, defaults, and the tasks an operator wants converged, as read from one
// file and checked for everything that needs no plugin and no config (syntax, fields, types,
// limits, unique names). Checks that need the loaded plugins and the accounts come later
// (manifest_tasks.h).
//
//   {"version": 1,
//    "defaults": {"account": "prod-us", "params": {"locale": "en"}, "resend_interval": "24h"},
//    "tasks": [{"name": "example-com", "task": "digicert.dcv.resend", "account": "prod-us",
//               "params": {"domain_id": 1234567, "skip_if_validated": true},
//               "resend_interval": "12h"},
//              {"name": "keep", "task": "digicert.dcv.resend",
//               "for_each": {"task": "digicert.domain.list", "params": {"due_within": "30d"}}}]}
//
// The host knows no plugin's settings: whatever a plugin takes goes in "params".
#pragma once

#include <Poco/JSON/Object.h>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "util/host_error.h"

namespace taskhost {

constexpr size_t kMaxManifestBytes = 4 * 1024 * 1024;
constexpr size_t kMaxManifestDepth = 16;
constexpr size_t kMaxManifestTasks = 10000;  // per file
constexpr size_t kMaxTaskNameChars = 128;

// "for_each": {"task": "digicert.domain.list", "params": {...}, "account": "..."}: the task
// runs once per item a read-only listing task gives (manifest_for_each.h, for_each_items.h).
struct ManifestForEach {
    std::string task;                    // a read-only task (checked once plugins are loaded)
    Poco::JSON::Object::Ptr params;      // the listing's params; {} when not given
    std::optional<std::string> account;  // absent: the manifest task's account
};

struct ManifestTask {
    std::string file;                    // the manifest it came from (as given)
    size_t index = 0;                    // its position in "tasks"
    std::string name;                    // unique within the file
    std::string task;                    // the plugin task, e.g. "digicert.dcv.resend"
    std::optional<std::string> account;  // the task's, else the defaults'
    Poco::JSON::Object::Ptr params;      // the defaults' params with the task's on top
    std::chrono::seconds resend_interval{0};
    std::optional<ManifestForEach> for_each;  // absent: the task runs once, as written
};

// A problem with one task (the others go on) or with the whole file (no task of it runs).
struct ManifestProblem {
    std::string file;
    std::optional<size_t> index;      // the task's position; absent: the whole file
    std::optional<std::string> name;  // the task's name when it could be read
    HostError error;
};

struct Manifest {
    std::string file;
    std::vector<ManifestTask> tasks;        // the good ones, in file order
    std::vector<ManifestProblem> problems;  // file problems first, then tasks in file order
    bool file_failed() const;
};

// Parses the text of manifest `file` (the name is only used in messages). Never throws.
Manifest parse_manifest(const std::string& text, const std::string& file);

// Reads (at most kMaxManifestBytes) and parses `file`.
Manifest load_manifest(const std::string& file);

}  // namespace taskhost
