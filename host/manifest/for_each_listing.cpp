#include "manifest/for_each_listing.h"

#include "manifest/for_each_items.h"
#include "tasks/outcome.h"
#include "tasks/task_runner.h"
#include "util/bounded_json.h"

namespace taskhost {
namespace {

using Poco::JSON::Object;

const char* const kNoItemsMsg = "for_each listed no items; nothing to do";

ManifestTaskResult answer_for(const ManifestTask& task, const ResolvedForEach& resolved) {
    ManifestTaskResult result;
    result.manifest = task.file;
    result.index = task.index;
    result.name = task.name;
    result.task = task.task;
    result.account = resolved.account;
    return result;
}

// The listing did not give items: nothing of the manifest task runs.
ForEachListing listing_failed(ManifestTaskResult result, const std::string& listing,
                              const std::string& why, const Object::Ptr& outcome) {
    result.status = "failed";
    result.failed = true;
    result.reason = "listing_failed";
    result.msg = "for_each: the listing " + listing + " failed: " + printable(why, 400) +
                 "; nothing of " + result.name + " ran";
    result.outcome = outcome;
    ForEachListing listed;
    listed.answer = std::move(result);
    listed.problem = true;
    return listed;
}

ForEachListing not_listed(const ManifestTask& task, const ResolvedForEach& resolved,
                          const TaskRunResult& ran) {
    const std::string& listing = resolved.listing.request.task;
    switch (ran.ended) {
        case TaskRunResult::Ended::kRefused:
            return listing_failed(answer_for(task, resolved), listing, ran.error.text(), nullptr);
        case TaskRunResult::Ended::kCancelled: {
            ForEachListing listed =
                listing_failed(answer_for(task, resolved), listing, "cancelled", nullptr);
            listed.answer->status = "cancelled";
            listed.answer->reason = "not_run";
            return listed;
        }
        default: {
            const Object::Ptr outcome = ran.invocation.outcome;
            const Poco::Dynamic::Var msg = outcome ? outcome->get("msg") : Poco::Dynamic::Var();
            return listing_failed(answer_for(task, resolved), listing,
                                  msg.isString() ? msg.extract<std::string>() : "no msg", outcome);
        }
    }
}

}  // namespace

ForEachListing run_for_each_listing(const ManifestTask& task, const ResolvedForEach& resolved,
                                    const TaskStepContext& context, std::ostream& log) {
    TaskRunOptions run;
    run.outcome_json = false;
    run.source = context.source;
    run.cancel = context.cancel;
    run.pacer = context.pacer;
    run.on_answer = context.on_answer;
    run.keys = context.keys;
    run.ledger = context.ledger;  // the runner keeps a read-only task out of it
    run.manifest = task.file;
    run.name = task.name;
    const TaskRunResult ran = run_task(resolved.listing.request, run, log);
    if (ran.ended != TaskRunResult::Ended::kRan || outcome_failed(ran.invocation.outcome)) {
        return not_listed(task, resolved, ran);
    }
    Result<std::vector<ManifestTask>> tasks = tasks_for_items(task, ran.invocation.outcome);
    ForEachListing listed;
    if (!tasks.ok()) {
        listed.answer = invalid_result(task, tasks.error());
        listed.answer->account = resolved.account;
        listed.answer->outcome = ran.invocation.outcome;
        listed.problem = true;
    } else if (tasks.value().empty()) {
        ManifestTaskResult result = answer_for(task, resolved);
        result.status = "skipped";
        result.reason = "no_items";
        result.msg = kNoItemsMsg;
        listed.answer = std::move(result);
    } else {
        listed.tasks = std::move(tasks.value());
    }
    return listed;
}

}  // namespace taskhost
