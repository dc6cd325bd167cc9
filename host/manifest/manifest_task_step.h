// One manifest task through plan or apply, after it was resolved: the one task runner asks the
// ledger (plan: its verdict; apply: the claim, then the paced real run and its completion), and
// this step turns what it answered into the task's manifest result.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>

#include "ledger/ledger.h"
#include "manifest/manifest_result.h"
#include "manifest/manifest_tasks.h"
#include "pacing/host_pacer.h"
#include "tasks/task_runner.h"

namespace taskhost {

// Which pacing bucket each account's tasks use, learned from the plugin's first acquire, so
// that a new task waits for room outside the plugin (and its deadline) while a window is full.
class AccountBuckets {
  public:
    void learn(const std::string& account, const std::string& bucket);
    std::string bucket_of(const std::string& account) const;  // "" until learned

  private:
    mutable std::mutex mutex_;
    std::map<std::string, std::string> buckets_;
};

struct TaskStepContext {
    bool apply = false;
    bool force = false;
    Ledger* ledger = nullptr;
    HostPacer* pacer = nullptr;
    CancelToken cancel;
    // Once requested, no task starts and none waiting for a pacing turn sends; tasks under way
    // go on (`cancel` stops them). The daemon's drain: `stop_reason` says why in their results.
    CancelToken stop_starting;
    std::string stop_reason;
    std::optional<Caller> caller;            // the history's who (ManifestRunSettings::caller)
    TaskSource source = TaskSource::kApply;  // kPlan, kApply or kWatch
    AccountKeys* keys = nullptr;
    AccountBuckets* buckets = nullptr;
    AnswerSink on_answer;  // see TaskRunOptions; may be empty
};

// Whether tasks not yet sending are to stop: cancelled, or told to stop starting.
bool stops_starting(const TaskStepContext& context);
// "not started: the apply was cancelled; nothing sent", or with the stop's reason.
std::string not_started_msg(const TaskStepContext& context);

// Plans or applies `resolved` (from `task`); host and plugin log lines go to `log`.
ManifestTaskResult run_manifest_task(const ManifestTask& task, const ResolvedTask& resolved,
                                     const TaskStepContext& context, std::ostream& log);

}  // namespace taskhost
