// The one task runner: every entry point (`taskhost run`, the daemon's POST /v1/tasks, a manifest
// plan or apply, the daemon's manifest watch) hands it a checked TaskRequest and gets the outcome
// back, so that the account's key, the dry-run fallback, the ledger (journal, history, shared
// pacing), pacing, cancellation and the plugin call happen one way:
//   dry run:   the ledger's verdict (read only); within the interval -> skipped, nothing run;
//              else the plugin's dry run, with "reason" saying why apply would send.
//   real run:  claim (the verdict and, to send, the intent, durable) -> the gate -> the plugin
//              -> completion + history (durable). A task the ledger does not let go is answered
//              "skipped" with its reason, last_sent_at and next_due_at; a ledger that cannot be
//              written stops the task before anything is sent.
//   read only: a task whose describe says "read_only": true changes nothing remote, so the
//              ledger is left out (no verdict, claim, intent, completion or history; no resend
//              interval); it is paced and cancellable like any task, and a dry run of it runs
//              for real with dry_run false (a plan needs what it reads).
#pragma once

#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "config/account_key.h"
#include "ledger/ledger.h"
#include "pacing/host_pacer.h"
#include "tasks/task_invocation.h"
#include "tasks/task_request.h"
#include "util/cancellation.h"

namespace taskhost {

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
    // The ledger every send goes through; null only where nothing may be recorded (tests of the
    // runner itself). `caller` fills the history's who (the daemon: its client's uid and pid).
    Ledger* ledger = nullptr;
    std::optional<Caller> caller;  // absent: this process, with `source`
    ResendPolicy resend;           // absent interval: the account's "resend_interval", if any
    std::string manifest;          // the manifest file and task name, for the journal
    std::string name;
    // The request's canonical params and journal key, when the caller resolved them already (a
    // manifest task: manifest_tasks.h); null: worked out from the request.
    const std::string* canonical_params = nullptr;
    const std::string* journal_key = nullptr;
    CancelToken cancel;
    // The process's pacer, offered to the plugin as host->acquire/throttled with the windows the
    // task describes or its account sets. Null: the plugin paces itself.
    HostPacer* pacer = nullptr;
    std::function<void(const std::string& bucket)> on_bucket;  // see TaskPacing
    AnswerSink on_answer;  // each request answer the plugin reports (see TaskPacing); may be empty
    AccountKeys* keys = nullptr;            // null: the account's key is read for this task alone
    std::function<SendGate()> before_send;  // null: go
    bool pretty = false;                    // also render the outcome indented (for people)
    bool outcome_json =
        true;  // render invocation.outcome_json (false: the caller reads the object)
};

struct TaskRunResult {
    enum class Ended {
        kRan,        // the plugin ran: `invocation` holds its outcome
        kCancelled,  // cancelled before the plugin was called: `invocation` says so
        kRefused,    // the host would not run it (no usable key, the gate refused): `error`
        kNotSent,    // the ledger said not to send (within interval, in progress): `invocation`
                     // holds the host's "skipped" outcome
    } ended = Ended::kRan;
    LedgerVerdict verdict;     // what the ledger said (never_sent without a ledger)
    std::string record_error;  // the send's completion could not be recorded (text), if so
    InvocationResult invocation;
    std::string outcome_pretty;  // with TaskRunOptions::pretty, scrubbed like the outcome
    HostError error;
    // kRefused because the ledger could not be reached or written: nothing was sent and the same
    // task may succeed later (the daemon answers 503, kind "ledger_unavailable", retryable).
    bool ledger_unavailable = false;
};

// Plugin and host log lines go to `log`. A dry run whose key cannot be read is planned without
// one (noted in `log`); any other task without a usable key is refused.
TaskRunResult run_task(const TaskRequest& request, const TaskRunOptions& options,
                       std::ostream& log);

}  // namespace taskhost
