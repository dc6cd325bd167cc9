// The one task runner: every entry point (`taskhost run`, the daemon's POST /v1/tasks, a manifest
// plan or apply, the daemon's manifest watch) hands it a checked TaskRequest and gets the outcome
// back, so that the account's key, the dry-run fallback, pacing, cancellation and the plugin call
// happen one way. The shared ledger (per-key budget, journal, history) plugs in here.
#pragma once

#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "config/account_key.h"
#include "pacing/host_pacer.h"
#include "tasks/task_invocation.h"
#include "tasks/task_request.h"
#include "util/cancellation.h"

namespace taskhost {

// Who asked for the task: for the record, and for what a refusal looks like to the caller.
enum class TaskSource { kRun, kApi, kPlan, kApply, kWatch };
const char* task_source_name(TaskSource source);

// Each account's key, read once on first use (never before a task needs it), shared by every
// task of a run that names the account, wiped when the run ends.
class AccountKeys {
  public:
    // The key, or null with `error` set.
    const ApiKey* get(const AccountConfig& account, HostError& error);

  private:
    std::mutex mutex_;
    std::map<std::string, std::unique_ptr<ApiKey>> keys_;
    std::map<std::string, HostError> errors_;
};

// What the last step before the plugin decided (a manifest apply waits for room in the pacer and
// records its intent there).
struct SendGate {
    enum class Verdict { kGo, kCancelled, kRefused } verdict = Verdict::kGo;
    HostError error;  // kRefused
};

struct TaskRunOptions {
    TaskSource source = TaskSource::kRun;
    CancelToken cancel;
    // The process's pacer, offered to the plugin as host->acquire/throttled with the windows the
    // task describes or its account sets. Null: the plugin paces itself.
    HostPacer* pacer = nullptr;
    std::function<void(const std::string& bucket)> on_bucket;  // see TaskPacing
    AccountKeys* keys = nullptr;            // null: the account's key is read for this task alone
    std::function<SendGate()> before_send;  // null: go
    bool pretty = false;                    // also render the outcome indented (for people)
};

struct TaskRunResult {
    enum class Ended {
        kRan,        // the plugin ran: `invocation` holds its outcome
        kCancelled,  // cancelled before the plugin was called: `invocation` says so
        kRefused,    // the host would not run it (no usable key, the gate refused): `error`
    } ended = Ended::kRan;
    InvocationResult invocation;
    std::string outcome_pretty;  // with TaskRunOptions::pretty, scrubbed like the outcome
    HostError error;
};

// Plugin and host log lines go to `log`. A dry run whose key cannot be read is planned without
// one (noted in `log`); any other task without a usable key is refused.
TaskRunResult run_task(const TaskRequest& request, const TaskRunOptions& options,
                       std::ostream& log);

}  // namespace taskhost
