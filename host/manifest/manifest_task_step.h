// One manifest task through plan or apply, after it was resolved: the one task runner asks the
// ledger (plan: its verdict; apply: the claim, then the paced real run and its completion), and
// this step turns what it answered into the task's manifest result.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
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
    TaskSource source = TaskSource::kApply;  // kPlan, kApply or kWatch
    AccountKeys* keys = nullptr;
    AccountBuckets* buckets = nullptr;
    AnswerSink on_answer;  // see TaskRunOptions; may be empty
};

// Plans or applies `resolved` (from `task`); host and plugin log lines go to `log`.
ManifestTaskResult run_manifest_task(const ManifestTask& task, const ResolvedTask& resolved,
                                     const TaskStepContext& context, std::ostream& log);

}  // namespace taskhost
