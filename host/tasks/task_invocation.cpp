#include "tasks/task_invocation.h"

#include <Poco/JSON/Stringifier.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <mutex>
#include <ostream>
#include <sstream>
#include <utility>
#include <vector>

#include <taskhost/plugin.h>

#include "pacing/host_pacer.h"
#include "tasks/outcome.h"
#include "tasks/plugin_spec.h"
#include "util/bounded_json.h"
#include "util/cancellation.h"
#include "util/secret_buffer.h"

namespace taskhost {
namespace {

using Poco::JSON::Object;

// What the callbacks of one execution share. The ABI lets a plugin call them from any thread
// working on this task, so everything is behind one mutex.
struct Execution {
    std::mutex mutex;
    std::string plugin_name;
    std::string_view secret;  // the key (the ApiKey's pages), or empty
    std::ostream* log = nullptr;
    const CancelToken* cancel = nullptr;
    const TaskPacing* pacing = nullptr;  // set before the call, read-only during it: no lock
    // Turns granted to this execution whose requests are not known to be answered yet.
    std::vector<std::pair<std::string, uint64_t>> open_turns;  // under mutex

    // A plugin sends one request at a time per execution (the DCV plugin does): its next
    // acquire, its throttled report, or the end of the call means the previous request was
    // answered. The pacer then logs that turn at the answer's time (bucket_schedule.h).
    void close_turns() {
        std::vector<std::pair<std::string, uint64_t>> turns;
        {
            std::lock_guard<std::mutex> lock(mutex);
            turns.swap(open_turns);
        }
        for (const auto& turn : turns) {
            pacing->pacer->complete(turn.first, turn.second);
        }
    }
    bool emitted = false;
    bool oversized = false;
    std::string outcome;

    void write_log(const char* level, const std::string& message) {
        std::string line = message.substr(0, kMaxLogLineBytes);
        // One plugin message is one log line: a newline in it could forge a host line.
        for (char& c : line) {
            const unsigned char u = static_cast<unsigned char>(c);
            if (u < 0x20 || u == 0x7f) {
                c = ' ';
            }
        }
        line = scrub_secret(std::move(line), secret);
        *log << "taskhost: [" << level << "] plugin " << plugin_name << ": " << line << std::endl;
    }
};

const char* level_name(int level) {
    switch (level) {
        case TASKHOST_LOG_DEBUG:
            return "debug";
        case TASKHOST_LOG_INFO:
            return "info";
        case TASKHOST_LOG_WARN:
            return "warn";
        case TASKHOST_LOG_ERROR:
            return "error";
        default:
            return "info";
    }
}

extern "C" void on_emit(void* ctx, const char* outcome_json, size_t len) {
    Execution& execution = *static_cast<Execution*>(ctx);
    std::lock_guard<std::mutex> lock(execution.mutex);
    if (execution.emitted) {
        execution.write_log(
            "error", "plugin bug: emit called more than once; only the first outcome counts");
        return;
    }
    execution.emitted = true;
    if (len > kMaxOutcomeBytes) {
        execution.oversized = true;
        return;
    }
    if (outcome_json != nullptr) {
        execution.outcome.assign(outcome_json, len);
    }
}

extern "C" void on_log(void* ctx, int level, const char* message) {
    if (message == nullptr) {
        return;
    }
    Execution& execution = *static_cast<Execution*>(ctx);
    std::lock_guard<std::mutex> lock(execution.mutex);
    execution.write_log(level_name(level),
                        std::string(message, ::strnlen(message, kMaxLogLineBytes)));
}

extern "C" int on_cancelled(void* ctx) {
    // No lock: `cancel` is set once before the call and is itself thread-safe.
    const Execution& execution = *static_cast<const Execution*>(ctx);
    return execution.cancel->requested() ? 1 : 0;
}

// A bucket is the plugin's string: bounded and printable before it names anything in the host.
constexpr size_t kMaxBucketBytes = 256;

std::string bucket_name(const char* bucket) {
    std::string name(bucket, ::strnlen(bucket, kMaxBucketBytes));
    for (char& c : name) {
        const unsigned char u = static_cast<unsigned char>(c);
        if (u < 0x20 || u >= 0x7f) {
            c = '?';
        }
    }
    return name;
}

extern "C" int on_acquire(void* ctx, const char* bucket) {
    Execution& execution = *static_cast<Execution*>(ctx);
    if (bucket == nullptr) {
        return 1;  // the ABI says a bucket is given; a plugin that breaks it does not go
    }
    const std::string name = bucket_name(bucket);
    if (execution.pacing->on_bucket) {
        execution.pacing->on_bucket(name);
    }
    execution.close_turns();
    // Never under execution.mutex: this blocks, and the plugin may log meanwhile.
    uint64_t grant = 0;
    const HostPacer::Turn turn = execution.pacing->pacer->acquire(
        name, execution.pacing->windows, [ctx] { return on_cancelled(ctx) != 0; }, std::nullopt,
        &grant);
    if (turn != HostPacer::Turn::kGo) {
        return 1;
    }
    std::lock_guard<std::mutex> lock(execution.mutex);
    execution.open_turns.emplace_back(name, grant);
    return 0;
}

extern "C" void on_throttled(void* ctx, const char* bucket, uint32_t retry_after_ms) {
    Execution& execution = *static_cast<Execution*>(ctx);
    if (bucket == nullptr) {
        return;
    }
    execution.close_turns();  // the 429 was the answer
    // A server cannot hold the host for more than an hour with one answer.
    constexpr uint32_t kMaxHoldMs = 3600 * 1000;
    execution.pacing->pacer->throttled(
        bucket_name(bucket), std::chrono::milliseconds(std::min(retry_after_ms, kMaxHoldMs)));
}

extern "C" void on_answered(void* ctx, const char* route, int status) {
    // No lock: the sink is thread-safe, and plugin_name and pacing are fixed during the call.
    const Execution& execution = *static_cast<const Execution*>(ctx);
    execution.pacing->on_answer(
        PluginAnswer{execution.plugin_name, answer_route(route), answer_status(status)});
}

void replace_all(std::string& text, std::string_view needle, std::string_view with) {
    if (needle.empty()) {
        return;
    }
    for (size_t at = text.find(needle); at != std::string::npos;
         at = text.find(needle, at + with.size())) {
        text.replace(at, needle.size(), with);
    }
}

InvocationResult plugin_failure(const TaskRequest& request, const std::string& msg,
                                int plugin_return) {
    InvocationResult result;
    result.outcome = make_failure_outcome(request.task, request.id, "plugin", msg);
    result.outcome_json = to_json(result.outcome);
    result.plugin_return = plugin_return;
    return result;
}

}  // namespace

std::string scrub_secret(std::string text, std::string_view secret) {
    if (secret.empty()) {
        return text;
    }
    constexpr std::string_view redacted = "[redacted]";
    replace_all(text, secret, redacted);
    // How the key looks inside a JSON string a plugin wrote: quotes, backslashes and maybe
    // slashes escaped. Only a key with such a character looks different there, and those
    // spellings are copies of the key: in pages core dumps leave out, wiped when done.
    if (secret.find_first_of("\"\\/") == std::string_view::npos) {
        return text;
    }
    SecretBuffer in_json(2 * secret.size());
    SecretBuffer in_json_slashes(2 * secret.size());
    for (char c : secret) {
        if (c == '"' || c == '\\') {
            in_json.append('\\');
            in_json_slashes.append('\\');
        }
        if (c == '/') {
            in_json_slashes.append('\\');
        }
        in_json.append(c);
        in_json_slashes.append(c);
    }
    replace_all(text, in_json.view(), redacted);
    replace_all(text, in_json_slashes.view(), redacted);
    return text;
}

InvocationResult invoke_task(const TaskRequest& request, const ApiKey* key, std::ostream& log,
                             const CancelToken& cancel, const TaskPacing* pacing,
                             bool render_json) {
    const std::shared_ptr<const PluginGeneration> plugin =
        request.offer.plugin;  // held for the call
    Execution execution;
    execution.plugin_name = plugin->name();
    execution.secret = key != nullptr ? key->view() : std::string_view();
    execution.log = &log;
    execution.cancel = &cancel;
    const bool paced = pacing != nullptr && pacing->pacer != nullptr;
    execution.pacing = pacing;

    taskhost_host host{};
    host.abi_version = TASKHOST_ABI_VERSION;
    host.size = sizeof(taskhost_host);
    host.ctx = &execution;
    host.emit = on_emit;
    host.log = on_log;
    host.cancelled = on_cancelled;
    // Without a host pacer (one-shot runs) the plugin paces itself.
    host.acquire = paced ? on_acquire : nullptr;
    host.throttled = paced ? on_throttled : nullptr;
    host.answered = pacing != nullptr && pacing->on_answer ? on_answered : nullptr;

    int plugin_return = 0;
    {
        const PluginTaskSpec spec = build_plugin_spec(request, key);
        plugin_return = plugin->execute(spec.c_str(), &host);
    }  // the spec (holding the key) is wiped here
    if (paced) {
        execution.close_turns();  // whatever the plugin sent was answered by now
    }

    std::lock_guard<std::mutex> lock(
        execution.mutex);  // a stray thread of the plugin may still emit
    const std::string who = "plugin " + plugin->name();
    if (!execution.emitted) {
        return plugin_failure(request, who + " returned without emitting an outcome (a plugin bug)",
                              plugin_return);
    }
    if (execution.oversized) {
        return plugin_failure(request, who + " emitted an outcome larger than 1 MiB (a plugin bug)",
                              plugin_return);
    }
    std::string scrubbed = scrub_secret(std::move(execution.outcome), execution.secret);
    Result<Object::Ptr> parsed = parse_json_object(
        scrubbed, JsonLimits{kMaxOutcomeBytes, kMaxOutcomeDepth}, "outcome of " + who);
    if (!parsed.ok()) {
        return plugin_failure(
            request, who + " emitted an unusable outcome (a plugin bug): " + parsed.error().problem,
            plugin_return);
    }
    InvocationResult result;
    result.outcome = parsed.value();
    result.plugin_return = plugin_return;
    if (!result.outcome->get("status").isString() && !result.outcome->get("failed").isBoolean()) {
        return plugin_failure(
            request,
            who + " emitted an outcome with neither \"status\" nor \"failed\" (a plugin bug)",
            plugin_return);
    }
    // Agents read "failed" and "changed"; fill them in when a plugin left them out.
    if (!result.outcome->get("failed").isBoolean()) {
        result.outcome->set("failed", outcome_failed(result.outcome));
    }
    if (!result.outcome->get("changed").isBoolean()) {
        result.outcome->set("changed", false);
    }
    if ((plugin_return == 0) == outcome_failed(result.outcome)) {
        execution.write_log("warn", "plugin bug: plugin_execute returned " +
                                        std::to_string(plugin_return) +
                                        " but the outcome says failed=" +
                                        (outcome_failed(result.outcome) ? "true" : "false") +
                                        "; the outcome counts");
    }
    if (render_json) {
        result.outcome_json = scrub_secret(to_json(result.outcome), execution.secret);
    }
    return result;
}

}  // namespace taskhost
