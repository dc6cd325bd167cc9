// One plan or apply over manifest files: the engine behind `taskhost plan|apply` and, through
// the same API, the daemon's manifest watch. Paths in, one result per task out.
//
// plan:  for each task, whether apply would send and why not (invalid, a duplicate, done
//        within its interval per the ledger's journal, or what the plugin's dry run says, e.g.
//        already validated). Never writes the ledger; never sends a resend.
// apply: the same decisions, then the sends, `concurrency` at a time, each paced by the host
//        pacer and recorded in the ledger (ledger/ledger.h: intent before, completion after,
//        history), all through the one task runner.
// for_each: a task with "for_each" first runs its read-only listing (once, for real, in plan
//        and apply alike; never journaled) and then stands for one task per item listed,
//        "<name>/<item key>", each resolved, planned or applied, journaled and counted as a
//        hand-written task is (manifest/for_each_listing.h). A listing that fails, or whose
//        items are not usable, is one failed result and a problem for --strict; one that lists
//        nothing is one skipped, unchanged result.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "config/host_config.h"
#include "ledger/ledger.h"
#include "manifest/manifest_result.h"
#include "pacing/host_pacer.h"
#include "plugins/plugin_catalog.h"
#include "tasks/task_runner.h"
#include "util/cancellation.h"
#include "util/host_error.h"

namespace taskhost {

constexpr size_t kDefaultManifestConcurrency = 8;
constexpr size_t kMaxManifestConcurrency = 64;
constexpr size_t kMaxRunTasks = 100000;  // over every manifest of one run

enum class ManifestMode { kPlan, kApply };

struct ManifestRunSettings {
    ManifestMode mode = ManifestMode::kPlan;
    bool force = false;   // apply: send whatever the journal says
    bool strict = false;  // any problem in any manifest: nothing runs
    size_t concurrency = kDefaultManifestConcurrency;
    bool watched = false;  // run by the daemon's manifest watch (the tasks' source says so)
    bool posted = false;   // posted to the daemon's API (POST /v1/manifests/apply): source api
    AnswerSink on_answer;  // each request answer a task's plugin reports (the daemon's metrics)
    // false: each result goes to the observer and into the summary's counts, and is not kept in
    // the report (the CLI streams them: a run of 10,000 tasks holds none of their outcomes).
    bool keep_results = true;
    // Once requested, no further task starts (each is answered "cancelled", nothing sent) and
    // the run's `cancel` decides about those under way: the daemon's drain. `stop_reason` is the
    // "why" of their messages ("the daemon is shutting down").
    CancelToken stop_starting;
    std::string stop_reason;
    // Who the history names for every task (the daemon's API client: its uid and pid); unset,
    // this process. Each task's own id is filled in.
    std::optional<Caller> caller;
};

struct ManifestRunSummary {
    size_t manifests = 0;
    size_t tasks = 0;       // results, including whole files that could not be read
    size_t sent = 0;        // apply: resends DigiCert accepted
    size_t would_send = 0;  // plan
    size_t unchanged = 0;   // within interval, duplicates, skipped by the plugin
    size_t failed = 0;      // including invalid and cancelled
    size_t invalid = 0;
    size_t in_doubt = 0;
    bool strict_refused = false;  // --strict and the manifests had problems: nothing ran
    int64_t elapsed_ms = 0;
};

struct ManifestRunReport {
    std::vector<ManifestTaskResult> results;  // in manifest order, then task order
    ManifestRunSummary summary;
};

struct ManifestRunObserver {
    std::function<void(size_t total)> started;  // before the first task runs
    // Each result as it completes (serialised: never two calls at once), with the log lines
    // of that task (host and plugin), so concurrent tasks' lines do not interleave.
    std::function<void(const ManifestTaskResult& result, const std::string& log)> finished;
};

class ManifestRun {
  public:
    // `config`, `catalog`, `pacer` and `ledger` must outlive run(). A plan only reads the
    // ledger (open it with LedgerAccess::kReadOnly).
    ManifestRun(const HostConfig& config, const PluginCatalog& catalog, HostPacer& pacer,
                Ledger& ledger, ManifestRunSettings settings);

    // An error only when nothing could run at all: no manifest in `paths`. `cancel` (by default:
    // SIGINT/SIGTERM) stops it: running tasks are cancelled through the plugin, tasks not started
    // are reported as such.
    Result<ManifestRunReport> run(const std::vector<std::string>& paths,
                                  const ManifestRunObserver& observer,
                                  const CancelToken& cancel = CancelToken::with_signals());
    // The same over manifests already parsed (a manifest posted to the daemon): never an
    // error, since a manifest that could not be read is one invalid result.
    ManifestRunReport run_manifests(const std::vector<Manifest>& manifests,
                                    const ManifestRunObserver& observer, const CancelToken& cancel);

  private:
    const HostConfig& config_;
    const PluginCatalog& catalog_;
    HostPacer& pacer_;
    Ledger& ledger_;
    ManifestRunSettings settings_;
};

// The exit code of a plan or apply: as `taskhost run` (outcome.h). Plain: 0 ok, 1 a task
// failed (or was invalid), 2 --strict refused. Detailed: 0 nothing (would) change, 2 something
// did (or would), 4 a task failed, 1 --strict refused.
int exit_code_for_run(const ManifestRunSummary& summary, bool detailed);

}  // namespace taskhost
