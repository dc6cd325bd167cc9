// One call of plugin_execute: the taskhost_host struct and its callbacks, the outcome the
// plugin emits (exactly once), and the host's defences against a careless plugin: no outcome,
// two outcomes, an outcome that is not JSON, the key echoed back (scrubbed to [redacted]).
#pragma once

#include <Poco/JSON/Object.h>

#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "config/account_key.h"
#include "pacing/rate_window.h"
#include "tasks/plugin_answers.h"
#include "tasks/task_request.h"
#include "util/cancellation.h"

namespace taskhost {

constexpr size_t kMaxOutcomeBytes = 1024 * 1024;
constexpr size_t kMaxOutcomeDepth = 64;
constexpr size_t kMaxLogLineBytes = 8192;

class HostPacer;

// The host's pacer offered to one execution as taskhost_host.acquire / throttled. Without it
// (null pacing or pacer) both callbacks are NULL and the plugin paces itself. With `on_answer`
// the execution is also offered taskhost_host.answered (its requests' answers, for metrics).
struct TaskPacing {
    HostPacer* pacer = nullptr;       // shared by every task of the process; outlives the call
    std::vector<RateWindow> windows;  // this task's windows on its account (rate_window.h)
    // Told the bucket the plugin names on each acquire (a manifest apply learns which bucket
    // an account's tasks use, to hold new tasks back while that bucket is full). May be empty.
    std::function<void(const std::string& bucket)> on_bucket;
    // Told each answer the plugin reports, sanitised (plugin_answers.h). Empty: answered is
    // NULL. Offered with or without a pacer.
    AnswerSink on_answer;
};

struct InvocationResult {
    Poco::JSON::Object::Ptr outcome;  // always an object, already scrubbed of the key
    std::string outcome_json;         // one line, scrubbed: what goes to stdout
    int plugin_return = 0;
};

// Runs `request` in its plugin generation (held for the whole call). Plugin log lines go to
// `log` as "taskhost: [level] plugin NAME: message". `key` may be null (dry run without key).
// The plugin sees a cancellation through host->cancelled once `cancel` is requested. Entry points
// call it through run_task (tasks/task_runner.h), which reads the key and sets up the pacing.
// `render_json` false: outcome_json is left empty (the caller renders the outcome once it has
// added to it).
InvocationResult invoke_task(const TaskRequest& request, const ApiKey* key, std::ostream& log,
                             const CancelToken& cancel, const TaskPacing* pacing = nullptr,
                             bool render_json = true);

// Every occurrence of `secret` (as is, and as it looks inside a JSON string) replaced by
// [redacted]. An empty secret changes nothing.
std::string scrub_secret(std::string text, std::string_view secret);

}  // namespace taskhost
