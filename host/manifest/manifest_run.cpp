#include "manifest/manifest_run.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include "manifest/manifest_sources.h"
#include "manifest/manifest_task_step.h"
#include "tasks/outcome.h"
#include "util/cancellation.h"

namespace taskhost {
namespace {

// One line of the run's work, in report order: a problem, or a task and how it resolved.
struct Slot {
    std::optional<ManifestProblem> problem;
    const ManifestTask* task = nullptr;
    std::optional<ResolvedTask> resolved;
    std::optional<HostError> refused;
    std::optional<std::string> duplicate_of;  // the label of the first task with the same key
    std::optional<ManifestTaskResult> result;
};

Slot problem_slot(const ManifestProblem& problem) {
    Slot slot;
    slot.problem = problem;
    return slot;
}

std::vector<Slot> slots_in_order(const std::vector<Manifest>& manifests) {
    std::vector<Slot> slots;
    for (const Manifest& manifest : manifests) {
        size_t next_problem = 0;
        const auto problem_before = [&](std::optional<size_t> index) {
            return next_problem < manifest.problems.size() &&
                   (!manifest.problems[next_problem].index || !index ||
                    *manifest.problems[next_problem].index < *index);
        };
        for (const ManifestTask& task : manifest.tasks) {
            while (problem_before(task.index)) {
                slots.push_back(problem_slot(manifest.problems[next_problem++]));
            }
            Slot slot;
            slot.task = &task;
            slots.push_back(std::move(slot));
        }
        while (next_problem < manifest.problems.size()) {
            slots.push_back(problem_slot(manifest.problems[next_problem++]));
        }
    }
    return slots;
}

void count(ManifestRunSummary& summary, const ManifestTaskResult& result, bool apply) {
    ++summary.tasks;
    if (result.failed) {
        ++summary.failed;
    } else if (result.changed) {
        ++(apply ? summary.sent : summary.would_send);
    } else {
        ++summary.unchanged;
    }
    summary.invalid += result.invalid ? 1 : 0;
    summary.in_doubt += result.in_doubt ? 1 : 0;
}

Result<std::vector<Manifest>> load_manifests(const std::vector<std::string>& paths) {
    Result<std::vector<std::string>> files = expand_manifest_paths(paths);
    if (!files.ok()) {
        return files.error();
    }
    std::vector<Manifest> manifests;
    size_t total_tasks = 0;
    for (const std::string& file : files.value()) {
        manifests.push_back(load_manifest(file));
        total_tasks += manifests.back().tasks.size();
        if (total_tasks > kMaxRunTasks) {
            return HostError{"manifests",
                             "hold more than " + std::to_string(kMaxRunTasks) + " tasks",
                             "apply them in several runs"};
        }
    }
    return manifests;
}

// Everything that can be refused without running anything, first (with --strict, one problem
// anywhere means nothing runs). true: some slot has a problem or was refused.
bool resolve_slots(std::vector<Slot>& slots, const PluginCatalog& catalog, const HostConfig& config,
                   bool apply) {
    std::map<std::string, std::string> first_with_key;
    bool any_problem = false;
    for (Slot& slot : slots) {
        if (slot.problem) {
            any_problem = true;
            continue;
        }
        Result<ResolvedTask> resolved = resolve_manifest_task(*slot.task, catalog, config, !apply);
        if (!resolved.ok()) {
            slot.refused = resolved.error();
            any_problem = true;
            continue;
        }
        slot.resolved = std::move(resolved.value());
        const auto [first, fresh] =
            first_with_key.emplace(slot.resolved->key, slot.task->file + ": " + slot.task->name);
        if (!fresh) {
            slot.duplicate_of = first->second;
        }
    }
    return any_problem;
}

// Hands each result to the observer (one at a time) and keeps it in its slot.
class SlotResults {
  public:
    explicit SlotResults(const ManifestRunObserver& observer) : observer_(observer) {}

    void finish(Slot& slot, ManifestTaskResult result, const std::string& log) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (observer_.finished) {
            observer_.finished(result, log);
        }
        slot.result = std::move(result);
    }

  private:
    const ManifestRunObserver& observer_;
    std::mutex mutex_;
};

// A result for a resolved task that was not run: who it is, for the status the caller sets.
ManifestTaskResult not_run_result(const Slot& slot) {
    ManifestTaskResult result;
    result.manifest = slot.task->file;
    result.index = slot.task->index;
    result.name = slot.task->name;
    result.task = slot.task->task;
    result.account = slot.resolved->request.account->name;
    return result;
}

// Answers every slot that will not run (problems, refusals, --strict, duplicates) and returns
// the rest, in order.
std::vector<Slot*> answer_unrunnable(std::vector<Slot>& slots, bool refuse_all,
                                     SlotResults& results) {
    std::vector<Slot*> runnable;
    for (Slot& slot : slots) {
        if (slot.problem) {
            results.finish(slot, invalid_result(*slot.problem), "");
        } else if (slot.refused) {
            results.finish(slot, invalid_result(*slot.task, *slot.refused), "");
        } else if (refuse_all) {
            ManifestTaskResult result = invalid_result(
                *slot.task, HostError{slot.task->file + ": task \"" + slot.task->name + "\"",
                                      "not run: --strict, and the manifests have problems",
                                      "fix the problems listed, or run without --strict"});
            result.invalid = false;
            result.reason = "not_run";
            results.finish(slot, std::move(result), "");
        } else if (slot.duplicate_of) {
            ManifestTaskResult result = not_run_result(slot);
            result.status = "skipped";
            result.reason = "duplicate";
            result.msg = "same account, task and params as " + *slot.duplicate_of +
                         ", which this run handles; not sent twice";
            results.finish(slot, std::move(result), "");
        } else {
            runnable.push_back(&slot);
        }
    }
    return runnable;
}

// Runs `runnable` on up to `concurrency` threads; once cancelled, the tasks not yet started
// are answered as such.
void run_slots(const std::vector<Slot*>& runnable, const TaskStepContext& context,
               size_t concurrency, SlotResults& results) {
    std::atomic<size_t> next{0};
    const auto worker = [&] {
        for (size_t i = next.fetch_add(1); i < runnable.size(); i = next.fetch_add(1)) {
            Slot& slot = *runnable[i];
            if (context.cancel.requested()) {
                ManifestTaskResult result = not_run_result(slot);
                result.status = "cancelled";
                result.failed = true;
                result.reason = "not_run";
                result.msg = "not started: the " + std::string(context.apply ? "apply" : "plan") +
                             " was cancelled; nothing sent";
                results.finish(slot, std::move(result), "");
                continue;
            }
            std::ostringstream log;
            ManifestTaskResult result = run_manifest_task(*slot.task, *slot.resolved, context, log);
            results.finish(slot, std::move(result), log.str());
        }
    };
    std::vector<std::thread> workers;
    const size_t threads = std::min(concurrency, runnable.size());
    for (size_t i = 0; i < threads; ++i) {
        workers.emplace_back(worker);
    }
    for (std::thread& thread : workers) {
        thread.join();
    }
}

}  // namespace

ManifestRun::ManifestRun(const HostConfig& config, const PluginCatalog& catalog, HostPacer& pacer,
                         Ledger& ledger, ManifestRunSettings settings)
    : config_(config),
      catalog_(catalog),
      pacer_(pacer),
      ledger_(ledger),
      settings_(std::move(settings)) {
    settings_.concurrency = std::clamp<size_t>(settings_.concurrency, 1, kMaxManifestConcurrency);
}

Result<ManifestRunReport> ManifestRun::run(const std::vector<std::string>& paths,
                                           const ManifestRunObserver& observer,
                                           const CancelToken& cancel) {
    const auto started = std::chrono::steady_clock::now();
    const bool apply = settings_.mode == ManifestMode::kApply;
    Result<std::vector<Manifest>> manifests = load_manifests(paths);
    if (!manifests.ok()) {
        return manifests.error();
    }
    std::vector<Slot> slots = slots_in_order(manifests.value());
    const bool any_problem = resolve_slots(slots, catalog_, config_, apply);

    ManifestRunReport report;
    report.summary.manifests = manifests.value().size();
    const bool refuse_all = settings_.strict && any_problem;
    report.summary.strict_refused = refuse_all;

    SlotResults results(observer);
    if (observer.started) {
        observer.started(slots.size());
    }
    const std::vector<Slot*> runnable = answer_unrunnable(slots, refuse_all, results);

    AccountKeys keys;
    AccountBuckets buckets;
    TaskStepContext context;
    context.apply = apply;
    context.source = settings_.watched ? TaskSource::kWatch
                     : apply           ? TaskSource::kApply
                                       : TaskSource::kPlan;
    context.force = settings_.force;
    context.ledger = &ledger_;
    context.pacer = &pacer_;
    context.cancel = cancel;
    context.keys = &keys;
    context.buckets = &buckets;
    run_slots(runnable, context, settings_.concurrency, results);

    for (Slot& slot : slots) {
        count(report.summary, *slot.result, apply);
        report.results.push_back(std::move(*slot.result));
    }
    report.summary.elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::steady_clock::now() - started)
                                    .count();
    return report;
}

int exit_code_for_run(const ManifestRunSummary& summary, bool detailed) {
    if (summary.strict_refused) {
        return exit_code_for_usage_error(detailed);
    }
    if (summary.failed > 0) {
        return detailed ? kDetailedFailed : kExitTaskFailed;
    }
    if (detailed) {
        return summary.sent + summary.would_send > 0 ? kDetailedChanged : kDetailedUnchanged;
    }
    return kExitOk;
}

}  // namespace taskhost
