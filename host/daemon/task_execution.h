// One submitted task, run by the daemon the way `taskhost run` runs it in-process: the same
// request checks (make_task_request), the account's key resolved just before the plugin needs
// it, invoke_task in the newest generation. Errors are answers: 400 with an invalid_input
// outcome when the task cannot run, 200 with the outcome when it ran and did not fail, 422 with
// the outcome when it ran and failed (so Ansible's uri fails the task without glue).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>

#include "config/host_config.h"
#include "daemon/task_board.h"
#include "ledger/ledger.h"
#include "pacing/host_pacer.h"
#include "plugins/plugin_catalog.h"
#include "tasks/plugin_answers.h"
#include "tasks/task_submission.h"
#include "util/cancellation.h"

namespace taskhost {

// What the audit line says about a task, filled in as far as the task got.
struct TaskFacts {
    std::string task;
    std::string id;
    std::string plugin;
    std::string plugin_version;
    uint64_t generation = 0;
    std::string error_kind;
    std::string account;
    std::string subject;  // what the task acted on (a domain), when its plugin names it
    std::string source = "api";
};

// The checks a submission must pass before it is queued (so a bad one is refused at once).
Check check_submission(const TaskSubmission& submission, const PluginCatalog& catalog,
                       const HostConfig& config);

// Builds the request against `catalog` (the newest when the task starts), resolves the key,
// runs it. `cancel` true before the start: the plugin is not called, the answer is cancelled.
// `pacer` (the daemon's, shared by all its tasks and kept across reloads) is offered to the
// plugin as host->acquire/throttled, with the windows the task describes or its account sets.
// `ledger` records it (the history names `caller`: the client's uid and pid).
// `on_answer` is told each request answer the plugin reports (the daemon's metrics).
struct SubmissionContext {
    const HostConfig& config;
    HostPacer& pacer;
    Ledger& ledger;
    Caller caller;
    AnswerSink on_answer;
};
TaskAnswer execute_submission(const TaskSubmission& submission, const PluginCatalog& catalog,
                              const SubmissionContext& context, std::ostream& log,
                              const CancelToken& cancel, TaskFacts& facts);

// 400 with the invalid_input outcome for `error`.
TaskAnswer invalid_task_answer(const std::string& task, const std::string& id,
                               const HostError& error);

}  // namespace taskhost
