#include "manifest/manifest_run.h"

#include <algorithm>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include "manifest/for_each_listing.h"
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
    std::optional<ResolvedForEach> for_each;  // a for_each task, until its listing has run
    std::optional<HostError> refused;
    std::optional<std::string> duplicate_of;     // the label of the first task with the same key
    std::optional<ManifestTaskResult> answered;  // decided before the run (a for_each's listing)
    std::string log;  // shown with the result: the lines of the listing that gave this task
    std::optional<ManifestTaskResult> result;
};

// Calls `work(i)` for every i below `count`, on up to `concurrency` threads.
void on_threads(size_t count, size_t concurrency, const std::function<void(size_t)>& work) {
    std::atomic<size_t> next{0};
    const auto worker = [&] {
        for (size_t i = next.fetch_add(1); i < count; i = next.fetch_add(1)) {
            work(i);
        }
    };
    std::vector<std::thread> workers;
    for (size_t i = 0; i < std::min(concurrency, count); ++i) {
        workers.emplace_back(worker);
    }
    for (std::thread& thread : workers) {
        thread.join();
    }
}

Slot problem_slot(const ManifestProblem& problem) {
    Slot slot;
    slot.problem = problem;
    return slot;
}

std::vector<Slot> slots_in_order(const std::vector<Manifest>& manifests) {
    std::vector<Slot> slots;
    size_t total = 0;
    for (const Manifest& manifest : manifests) {
        total += manifest.tasks.size() + manifest.problems.size();
    }
    slots.reserve(total);  // a Slot is large and copied, not moved, when the vector grows
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

// One slot's task resolved against the plugins and the config. true: it was refused.
bool resolve_slot(Slot& slot, const PluginCatalog& catalog, const HostConfig& config, bool apply,
                  ConnectionMemo& memo) {
    if (slot.task->for_each) {
        Result<ResolvedForEach> resolved =
            resolve_for_each(*slot.task, catalog, config, !apply, &memo);
        if (!resolved.ok()) {
            slot.refused = resolved.error();
            return true;
        }
        slot.for_each = std::move(resolved.value());
        return false;
    }
    Result<ResolvedTask> resolved =
        resolve_manifest_task(*slot.task, catalog, config, !apply, &memo);
    if (!resolved.ok()) {
        slot.refused = resolved.error();
        return true;
    }
    slot.resolved = std::move(resolved.value());
    return false;
}

// Everything that can be refused without running anything, first (with --strict, one problem
// anywhere means nothing runs). true: some slot has a problem or was refused. Resolving is CPU
// work that writes only its own slot, so a large run resolves on every core: issue 12 measured
// 2,000 tasks at about 75 ms on one, before any task could start.
bool resolve_slots(std::vector<Slot>& slots, const PluginCatalog& catalog, const HostConfig& config,
                   bool apply) {
    constexpr size_t kSlotsPerThread = 64;
    const size_t cores = std::max<size_t>(1, std::thread::hardware_concurrency());
    std::vector<char> refused(slots.size(), 0);
    ConnectionMemo memo;  // the run's config and plugins outlive it
    on_threads(slots.size(), std::max<size_t>(1, std::min(cores, slots.size() / kSlotsPerThread)),
               [&](size_t i) {
                   refused[i] =
                       slots[i].problem || resolve_slot(slots[i], catalog, config, apply, memo);
               });
    return std::find(refused.begin(), refused.end(), 1) != refused.end();
}

// A task whose account, task and params another task of the run has too is not sent twice.
void mark_duplicates(std::vector<Slot>& slots) {
    std::map<std::string, std::string> first_with_key;
    for (Slot& slot : slots) {
        if (!slot.resolved) {
            continue;
        }
        const auto [first, fresh] =
            first_with_key.emplace(slot.resolved->key, slot.task->file + ": " + slot.task->name);
        if (!fresh) {
            slot.duplicate_of = first->second;
        }
    }
}

// Runs the listing of every for_each slot (up to `concurrency` at once) and puts the tasks it
// lists in its place, each resolved as a hand-written task is; `listed` holds them. A listing
// that gives nothing to run leaves its slot with the answer that says why. true: a listing
// failed, its items were not usable or a listed task was refused.
bool expand_for_each(std::vector<Slot>& slots, std::deque<ManifestTask>& listed,
                     const TaskStepContext& context, size_t concurrency,
                     const PluginCatalog& catalog, const HostConfig& config) {
    std::vector<Slot*> listings;
    for (Slot& slot : slots) {
        if (slot.for_each) {
            listings.push_back(&slot);
        }
    }
    std::vector<ForEachListing> lists(listings.size());
    on_threads(listings.size(), concurrency, [&](size_t i) {
        std::ostringstream log;
        lists[i] = run_for_each_listing(*listings[i]->task, *listings[i]->for_each, context, log);
        listings[i]->log = log.str();
    });
    bool any_problem = false;
    size_t total = slots.size();
    ConnectionMemo memo;  // for the listed tasks, which share their for_each's account
    std::vector<Slot> expanded;
    expanded.reserve(slots.size());
    for (size_t i = 0, next = 0; i < slots.size(); ++i) {
        Slot& slot = slots[i];
        if (!slot.for_each) {
            expanded.push_back(std::move(slot));
            continue;
        }
        ForEachListing& list = lists[next++];
        if (!list.answer && total - 1 + list.tasks.size() > kMaxRunTasks) {
            list.answer = invalid_result(
                *slot.task, HostError{slot.task->file + ": task \"" + slot.task->name + "\"",
                                      "for_each would bring the run past " +
                                          std::to_string(kMaxRunTasks) + " tasks",
                                      "apply the manifests in several runs"});
            list.problem = true;
        }
        any_problem = any_problem || list.problem;
        if (list.answer) {
            slot.answered = std::move(list.answer);
            expanded.push_back(std::move(slot));
            continue;
        }
        total += list.tasks.size() - 1;
        for (size_t t = 0; t < list.tasks.size(); ++t) {
            listed.push_back(std::move(list.tasks[t]));
            Slot& task_slot = expanded.emplace_back();
            task_slot.task = &listed.back();
            task_slot.log = t == 0 ? slot.log : "";
            any_problem =
                resolve_slot(task_slot, catalog, config, context.apply, memo) || any_problem;
        }
    }
    slots = std::move(expanded);
    return any_problem;
}

// Hands each result to the observer (one at a time), counts it in the summary and, when the
// report keeps results, keeps it in its slot; the slot's resolved task is let go (a run's memory
// does not grow with its finished tasks).
class SlotResults {
  public:
    SlotResults(const ManifestRunObserver& observer, ManifestRunSummary& summary, bool apply,
                bool keep)
        : observer_(observer), summary_(summary), apply_(apply), keep_(keep) {}

    void finish(Slot& slot, ManifestTaskResult result, const std::string& log) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (observer_.finished) {
            observer_.finished(result, log);
        }
        count(summary_, result, apply_);
        slot.resolved.reset();
        if (keep_) {
            slot.result = std::move(result);
        }
    }

  private:
    const ManifestRunObserver& observer_;
    ManifestRunSummary& summary_;
    const bool apply_;
    const bool keep_;
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
        if (slot.answered) {
            results.finish(slot, std::move(*slot.answered), slot.log);
        } else if (slot.problem) {
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

// Runs `runnable` on up to `concurrency` threads; once cancelled or told to stop starting, the
// tasks not yet started are answered as such.
void run_slots(const std::vector<Slot*>& runnable, const TaskStepContext& context,
               size_t concurrency, SlotResults& results) {
    on_threads(runnable.size(), concurrency, [&](size_t i) {
        Slot& slot = *runnable[i];
        if (stops_starting(context)) {
            ManifestTaskResult result = not_run_result(slot);
            result.status = "cancelled";
            result.failed = true;
            result.reason = "not_run";
            result.msg = not_started_msg(context);
            results.finish(slot, std::move(result), slot.log);
            return;
        }
        std::ostringstream log;
        ManifestTaskResult result = run_manifest_task(*slot.task, *slot.resolved, context, log);
        results.finish(slot, std::move(result), slot.log + log.str());
    });
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
    Result<std::vector<Manifest>> manifests = load_manifests(paths);
    if (!manifests.ok()) {
        return manifests.error();
    }
    return run_manifests(manifests.value(), observer, cancel);
}

ManifestRunReport ManifestRun::run_manifests(const std::vector<Manifest>& manifests,
                                             const ManifestRunObserver& observer,
                                             const CancelToken& cancel) {
    const auto started = std::chrono::steady_clock::now();
    const bool apply = settings_.mode == ManifestMode::kApply;
    std::vector<Slot> slots = slots_in_order(manifests);
    bool any_problem = resolve_slots(slots, catalog_, config_, apply);

    AccountKeys keys;
    AccountBuckets buckets;
    TaskStepContext context;
    context.apply = apply;
    context.source = settings_.watched  ? TaskSource::kWatch
                     : settings_.posted ? TaskSource::kApi
                     : apply            ? TaskSource::kApply
                                        : TaskSource::kPlan;
    context.force = settings_.force;
    context.ledger = &ledger_;
    context.pacer = &pacer_;
    context.on_answer = settings_.on_answer;
    context.cancel = cancel;
    context.stop_starting = settings_.stop_starting;
    context.stop_reason = settings_.stop_reason;
    context.caller = settings_.caller;
    context.keys = &keys;
    context.buckets = &buckets;
    std::deque<ManifestTask> listed;  // the tasks for_each listings gave; slots point here
    if (!(settings_.strict && any_problem)) {
        any_problem =
            expand_for_each(slots, listed, context, settings_.concurrency, catalog_, config_) ||
            any_problem;
    }
    mark_duplicates(slots);

    ManifestRunReport report;
    report.summary.manifests = manifests.size();
    const bool refuse_all = settings_.strict && any_problem;
    report.summary.strict_refused = refuse_all;

    SlotResults results(observer, report.summary, apply, settings_.keep_results);
    if (observer.started) {
        observer.started(slots.size());
    }
    const std::vector<Slot*> runnable = answer_unrunnable(slots, refuse_all, results);
    run_slots(runnable, context, settings_.concurrency, results);

    if (settings_.keep_results) {
        report.results.reserve(slots.size());
        for (Slot& slot : slots) {
            report.results.push_back(std::move(*slot.result));
        }
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
