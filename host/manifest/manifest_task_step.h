// One manifest task through plan or apply, after it was resolved: ask the journal, then (plan)
// the plugin's dry run or (apply) intent, the paced real run, completion.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>

#include "manifest/manifest_result.h"
#include "manifest/manifest_tasks.h"
#include "manifest/resend_journal.h"
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
    std::function<WallClock::time_point()> now;
    ResendJournal* journal = nullptr;
    HostPacer* pacer = nullptr;
    CancelToken cancel;
    TaskSource source = TaskSource::kApply;  // kPlan, kApply or kWatch
    AccountKeys* keys = nullptr;
    AccountBuckets* buckets = nullptr;
};

// Plans or applies `resolved` (from `task`); host and plugin log lines go to `log`.
ManifestTaskResult run_manifest_task(const ManifestTask& task, const ResolvedTask& resolved,
                                     const TaskStepContext& context, std::ostream& log);

}  // namespace taskhost
