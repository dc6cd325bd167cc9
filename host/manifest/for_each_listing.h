// A for_each manifest task's listing, run once through the one task runner (read-only: paced,
// cancellable, never journaled, for real also in a plan), and what it gives: the tasks it lists
// (for_each_items.h), or the one result that stands for the manifest task when there are none
// to run (the listing failed, its items are not usable, or it listed nothing).
#pragma once

#include <optional>
#include <ostream>
#include <vector>

#include "manifest/manifest_result.h"
#include "manifest/manifest_task_step.h"
#include "manifest/manifest_tasks.h"

namespace taskhost {

struct ForEachListing {
    std::vector<ManifestTask> tasks;  // one per item, in the listing's order
    // Instead of tasks: failed (the listing failed or was cancelled), invalid (its items are not
    // usable), or skipped and unchanged (it listed no items).
    std::optional<ManifestTaskResult> answer;
    bool problem = false;  // the listing failed or its items are not usable (--strict stops)
};

// Host and plugin log lines of the listing go to `log`.
ForEachListing run_for_each_listing(const ManifestTask& task, const ResolvedForEach& resolved,
                                    const TaskStepContext& context, std::ostream& log);

}  // namespace taskhost
