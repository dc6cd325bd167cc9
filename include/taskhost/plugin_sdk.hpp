// taskhost plugin SDK for C++17: the pieces every C++ plugin would otherwise copy.
//
// taskhost/plugin.h is the contract; this header only helps a C++ plugin keep it. It is
// header-only and uses nothing but the C++17 standard library (no Poco), so a plugin includes
// it and links nothing more. It holds no state of its own (no globals, no function-local
// statics, nothing allocated outside a call): two generations of a plugin loaded at once (a
// reload) never share anything through it. Build the plugin with hidden visibility and a
// version script exporting only the two ABI functions (plugin/example_echo/ shows how), so that
// the inline functions below stay private to each generation.
//
// The pieces, in the order a plugin meets them:
//   TASKHOST_PLUGIN(describe_fn, execute_fn)  emits the two extern "C" symbols, checked at
//                                             compile time against the ABI's signatures;
//   describe_guarded(fn, fallback)            the barrier for plugin_describe;
//   execute_guarded(json, host, failures, body)
//                                             the barrier for plugin_execute: no exception
//                                             crosses it, and host->emit is called exactly
//                                             once on every path;
//   Host                                      the host's services under the size rule.
//
// A whole plugin (see plugin/example_echo/example_echo.cpp for a real one):
//
//   #include <taskhost/plugin_sdk.hpp>
//   namespace {
//   constexpr taskhost::sdk::FailureOutcomes kFailures{"my_plugin"};
//   const char* describe() { return R"({"abi_version":1,"name":"my_plugin",...})"; }
//   taskhost::sdk::Outcome run(const char* task_json, const taskhost::sdk::Host& host) {
//       ...                                    // may throw: the barrier catches it
//       return {outcome_json, failed};
//   }
//   int execute(const char* task_json, const taskhost_host* host) {
//       return taskhost::sdk::execute_guarded(task_json, host, kFailures, run);
//   }
//   }  // namespace
//   TASKHOST_PLUGIN(describe, execute);
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <new>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>

#include "taskhost/plugin.h"

// Default visibility for the two ABI functions: a plugin is built with -fvisibility=hidden,
// and these two are the only symbols it exports.
#define TASKHOST_SDK_EXPORT __attribute__((visibility("default")))

// Emits plugin_describe and plugin_execute, the plugin's only exported symbols, forwarding to
// `describe_fn` and `execute_fn`. Use it once per plugin, followed by a semicolon, at global
// scope (outside any namespace), after both functions are declared; they may live in an
// anonymous namespace.
//
// Both are checked at compile time against taskhost_plugin_describe_fn /
// taskhost_plugin_execute_fn, so a plugin that drifts from the ABI fails to build, not to load.
// `execute_fn` should be written with execute_guarded and `describe_fn` with describe_guarded
// (or return a string literal). As a backstop, an exception that still escapes either one stops
// at the exported function: plugin_describe then returns NULL and plugin_execute non-zero,
// which the host reports as a plugin bug instead of unwinding into C.
#define TASKHOST_PLUGIN(describe_fn, execute_fn)                                                  \
    static_assert(std::is_same<decltype(&describe_fn), ::taskhost_plugin_describe_fn>::value,     \
                  #describe_fn " is not a taskhost_plugin_describe_fn: const char* (void)");      \
    static_assert(std::is_same<decltype(&execute_fn), ::taskhost_plugin_execute_fn>::value,       \
                  #execute_fn                                                                     \
                  " is not a taskhost_plugin_execute_fn: "                                        \
                  "int (const char*, const taskhost_host*)");                                     \
    extern "C" TASKHOST_SDK_EXPORT const char* plugin_describe(void) {                            \
        return ::taskhost::sdk::detail::backstop_describe(&describe_fn);                          \
    }                                                                                             \
    extern "C" TASKHOST_SDK_EXPORT int plugin_execute(const char* task_json,                      \
                                                      const taskhost_host* host) {                \
        return ::taskhost::sdk::detail::backstop_execute(&execute_fn, task_json, host);           \
    }                                                                                             \
    static_assert(                                                                                \
        std::is_same<decltype(&::plugin_describe), ::taskhost_plugin_describe_fn>::value,         \
        "plugin_describe drifted from taskhost_plugin_describe_fn");                              \
    static_assert(std::is_same<decltype(&::plugin_execute), ::taskhost_plugin_execute_fn>::value, \
                  "plugin_execute drifted from taskhost_plugin_execute_fn")

namespace taskhost {
namespace sdk {

// ---- Host: the services the host offers one execution --------------------------------------

// A view of `const taskhost_host*` that keeps the size rule for every call: a field the host's
// `size` does not cover (TASKHOST_HOST_HAS), or a NULL callback, is a service not offered, and
// each method then does the documented neutral thing. A NULL host offers nothing.
//
// Lives only during the plugin_execute call it was made for, like the struct it points to.
// Not copyable: it remembers whether the outcome was emitted, so that emit happens at most once
// through it. Thread-safe as the callbacks are (see plugin.h, "Threads").
class Host {
  public:
    explicit Host(const taskhost_host* host) noexcept : host_(host) {}
    Host(const Host&) = delete;
    Host& operator=(const Host&) = delete;

    // The struct itself, for code that needs the C view.
    const taskhost_host* raw() const noexcept { return host_; }

    // The host's TASKHOST_ABI_VERSION (0 for a NULL host).
    uint32_t abi_version() const noexcept { return host_ != nullptr ? host_->abi_version : 0; }

    bool offers_emit() const noexcept { return TASKHOST_HOST_HAS(host_, emit) && host_->emit; }
    // Hands the outcome JSON to the host, at most once: false when it was already emitted
    // through this Host, or the host offers no emit. execute_guarded calls it for you.
    bool emit(std::string_view outcome_json) const noexcept {
        if (!offers_emit() || emitted_.exchange(true)) {
            return false;
        }
        host_->emit(host_->ctx, outcome_json.data(), outcome_json.size());
        return true;
    }
    bool emitted() const noexcept { return emitted_.load(); }

    bool offers_log() const noexcept { return TASKHOST_HOST_HAS(host_, log) && host_->log; }
    // One log line. Never pass a secret: the host shows it to operators. The host keeps 8192
    // bytes and turns control characters into spaces (plugin.h).
    void log(taskhost_log_level level, const char* message) const noexcept {
        if (offers_log() && message != nullptr) {
            host_->log(host_->ctx, static_cast<int>(level), message);
        }
    }
    void log(taskhost_log_level level, const std::string& message) const noexcept {
        log(level, message.c_str());
    }

    // True when the caller asked to stop; false when the host offers no cancellation.
    bool cancelled() const noexcept {
        return TASKHOST_HOST_HAS(host_, cancelled) && host_->cancelled &&
               host_->cancelled(host_->ctx) != 0;
    }

    // Whether the host paces requests. When it does not, the plugin paces itself.
    bool offers_acquire() const noexcept {
        return TASKHOST_HOST_HAS(host_, acquire) && host_->acquire;
    }
    // The host's turn on `bucket` (plugin.h, "Buckets": short printable ASCII, never a key),
    // taken before each HTTP request. True: send it (also when the host offers no pacer);
    // false: the task was cancelled or ran out of time, send nothing. Keep the
    // request-in-flight rule: one request per turn, answered before the next acquire.
    bool acquire(const std::string& bucket) const noexcept {
        return !offers_acquire() || host_->acquire(host_->ctx, bucket.c_str()) == 0;
    }

    bool offers_throttled() const noexcept {
        return TASKHOST_HOST_HAS(host_, throttled) && host_->throttled;
    }
    // Reports a 429 on `bucket`, with the server's Retry-After (0: it gave none); negative
    // values count as 0 and huge ones are capped. Does nothing when not offered.
    void throttled(const std::string& bucket,
                   std::chrono::milliseconds retry_after) const noexcept {
        if (offers_throttled()) {
            const auto ms = std::clamp<int64_t>(static_cast<int64_t>(retry_after.count()), 0,
                                                static_cast<int64_t>(UINT32_MAX));
            host_->throttled(host_->ctx, bucket.c_str(), static_cast<uint32_t>(ms));
        }
    }

    bool offers_answered() const noexcept {
        return TASKHOST_HOST_HAS(host_, answered) && host_->answered;
    }
    // Reports how one sent request ended, for the host's metrics: `route` a fixed template
    // such as "PUT /domain/{id}/dcv/emails" (never an id, a name or a key), `status` the HTTP
    // status or 0 when no answer came. Does nothing when not offered.
    void answered(const char* route, int status) const noexcept {
        if (offers_answered() && route != nullptr) {
            host_->answered(host_->ctx, route, status);
        }
    }

    // Sleeps `duration` in slices of at most `slice`, asking `cancelled` before each: false
    // when cancelled meanwhile (then stop and answer "cancelled"), true when the time passed.
    // For backoff between retries, so a cancel is seen within one slice.
    bool sleep_unless_cancelled(
        std::chrono::milliseconds duration,
        std::chrono::milliseconds slice = std::chrono::milliseconds(50)) const {
        const auto until = std::chrono::steady_clock::now() + duration;
        slice = std::max(slice, std::chrono::milliseconds(1));
        for (;;) {
            if (cancelled()) {
                return false;
            }
            const auto now = std::chrono::steady_clock::now();
            if (now >= until) {
                return true;
            }
            std::this_thread::sleep_for(
                std::min<std::chrono::steady_clock::duration>(slice, until - now));
        }
    }

  private:
    const taskhost_host* host_;
    mutable std::atomic<bool> emitted_{false};
};

// ---- Outcome text helpers ------------------------------------------------------------------

// `text` as a JSON string literal, quotes included. Control characters are escaped; other
// bytes are copied, so pass valid UTF-8 (see printable_ascii for text of unknown origin).
inline std::string json_string(std::string_view text) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(text.size() + 2);
    out += '"';
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (u < 0x20 || u == 0x7f) {
                    out += "\\u00";
                    out += kHex[u >> 4];
                    out += kHex[u & 0xf];
                } else {
                    out += c;
                }
        }
    }
    out += '"';
    return out;
}

// Text of unknown origin (an exception's what(), a server's body) made safe for one line of an
// outcome: every byte outside printable ASCII becomes '?', and at most `max_bytes` are kept
// ("..." marks a cut).
inline std::string printable_ascii(std::string_view text, std::size_t max_bytes = 200) {
    std::string out(text.substr(0, max_bytes));
    for (char& c : out) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u >= 0x7f) {
            c = '?';
        }
    }
    if (text.size() > max_bytes) {
        out += "...";
    }
    return out;
}

// A failed outcome with error `kind` (plugin.h / README: "invalid_input", "plugin",
// "internal"...) and message `msg` (printable). `task` and `id` are echoed when non-empty.
inline std::string failure_outcome_json(std::string_view kind, std::string_view msg,
                                        std::string_view task = {}, std::string_view id = {}) {
    std::string out = "{";
    if (!task.empty()) {
        out += "\"task\":" + json_string(task) + ",";
    }
    if (!id.empty()) {
        out += "\"id\":" + json_string(id) + ",";
    }
    const std::string message = json_string(msg);
    out += "\"status\":\"failed\",\"changed\":false,\"failed\":true,\"msg\":" + message +
           ",\"error\":{\"kind\":" + json_string(kind) + ",\"msg\":" + message +
           ",\"retryable\":false,\"details\":{}}}";
    return out;
}

// Emitted when not even the internal failure outcome can be built (out of memory). Static:
// emitting it allocates nothing.
inline constexpr char kLastResortOutcome[] =
    "{\"status\":\"failed\",\"changed\":false,\"failed\":true,"
    "\"msg\":\"internal error in the plugin (out of memory)\","
    "\"error\":{\"kind\":\"internal\",\"msg\":\"internal error in the plugin (out of memory)\","
    "\"retryable\":false,\"details\":{}}}";

// ---- The barriers --------------------------------------------------------------------------

// What a task body returns to execute_guarded: the outcome JSON and whether its "failed" is
// true (plugin_execute returns non-zero then).
struct Outcome {
    std::string json;
    bool failed = true;
};

// How a plugin words the outcomes the barrier writes for it. Every member is optional: a NULL
// writer uses failure_outcome_json, a NULL last_resort kLastResortOutcome. A table of plain
// function pointers, so a `constexpr` instance costs nothing:
//   constexpr taskhost::sdk::FailureOutcomes kFailures{"my_plugin"};
struct FailureOutcomes {
    // Named in the default messages: "internal error in the my_plugin plugin: ...".
    const char* plugin_name = "";
    // An exception escaped the task body: returns the outcome of kind "internal". `what` is the
    // exception's what() (or "unknown exception"): raw text, make it printable. Called inside
    // the barrier's catch block, so it may rethrow (`try { throw; } catch (const X& e) {...}`)
    // to describe exception types the SDK does not know. May throw: then last_resort.
    std::string (*internal)(const char* what) = nullptr;
    // The host speaks another ABI major: returns the outcome of kind "plugin". `msg` names both
    // versions. May throw: then last_resort.
    std::string (*abi_mismatch)(const std::string& msg) = nullptr;
    // A static, NUL-terminated outcome JSON, emitted when the body ran out of memory
    // (std::bad_alloc) or a writer above failed. Must need no allocation.
    const char* last_resort = nullptr;
};

// The text of the exception being handled: what() for a std::exception, else
// "unknown exception". Call it only inside a catch block.
inline const char* current_exception_text() noexcept {
    try {
        throw;
    } catch (const std::exception& e) {
        return e.what();
    } catch (...) {
        return "unknown exception";
    }
}

namespace detail {

inline const char* last_resort(const FailureOutcomes& failures) noexcept {
    return failures.last_resort != nullptr ? failures.last_resort : kLastResortOutcome;
}

// Inside a catch block: the "internal" outcome, or an empty one when it cannot be written.
inline Outcome internal_outcome(const FailureOutcomes& failures) noexcept {
    Outcome outcome;
    try {
        const char* what = current_exception_text();
        if (failures.internal != nullptr) {
            outcome.json = failures.internal(what);
        } else {
            outcome.json = failure_outcome_json(
                "internal", std::string("internal error in the ") +
                                (failures.plugin_name != nullptr ? failures.plugin_name : "") +
                                " plugin: " + printable_ascii(what));
        }
    } catch (...) {
        outcome.json.clear();
    }
    outcome.failed = true;
    return outcome;
}

inline Outcome abi_mismatch_outcome(const FailureOutcomes& failures, uint32_t host_abi) {
    const std::string msg = "the host speaks plugin ABI " + std::to_string(host_abi) +
                            ", this plugin ABI " + std::to_string(TASKHOST_ABI_VERSION) +
                            "; the major versions disagree";
    Outcome outcome;
    outcome.json = failures.abi_mismatch != nullptr ? failures.abi_mismatch(msg)
                                                    : failure_outcome_json("plugin", msg);
    outcome.failed = true;
    return outcome;
}

// The backstops behind TASKHOST_PLUGIN (see there).
inline const char* backstop_describe(taskhost_plugin_describe_fn describe) noexcept {
    try {
        return describe();
    } catch (...) {
        return nullptr;
    }
}

inline int backstop_execute(taskhost_plugin_execute_fn execute, const char* task_json,
                            const taskhost_host* host) noexcept {
    try {
        return execute(task_json, host);
    } catch (...) {
        return 1;
    }
}

}  // namespace detail

// The barrier for plugin_describe: returns `describe()` (a static NUL-terminated JSON that
// lives as long as the library), or `fallback` when it throws (NULL by default: the host then
// refuses the plugin and says plugin_describe returned NULL).
template <class Describe>
const char* describe_guarded(Describe&& describe, const char* fallback = nullptr) noexcept {
    try {
        return describe();
    } catch (...) {
        return fallback;
    }
}

// The one exception barrier for plugin_execute (after Falco's FALCOSECURITY_CATCH_ALL).
//
// Runs `body(task_json, host)` (`host` a const Host&; `task_json` as the host passed it, which
// a broken host could make NULL) and emits what it returns, so that on every path the host's
// emit is called exactly once and no exception crosses the C boundary:
//   - the host offers no emit (NULL host, or emit missing): returns 2, nothing can be told;
//   - the host speaks another ABI major: the abi_mismatch outcome, the body does not run;
//   - the body returns: its Outcome (an empty json counts as a bug: last_resort);
//   - the body throws std::bad_alloc: last_resort (memory is short; it needs none);
//   - the body throws anything else: the internal outcome (kind "internal");
//   - a writer fails too: last_resort.
// The body does not call emit itself (if it does, through the Host it was given, the barrier
// emits nothing more). Returns 0 when the emitted outcome has "failed": false, else 1.
template <class Body>
int execute_guarded(const char* task_json, const taskhost_host* raw_host,
                    const FailureOutcomes& failures, Body&& body) noexcept {
    const Host host(raw_host);
    if (!host.offers_emit()) {
        return 2;
    }
    Outcome outcome;
    bool out_of_memory = false;
    try {
        if (host.abi_version() != TASKHOST_ABI_VERSION) {
            outcome = detail::abi_mismatch_outcome(failures, host.abi_version());
        } else {
            outcome = body(task_json, host);
        }
    } catch (const std::bad_alloc&) {
        out_of_memory = true;
    } catch (...) {
        outcome = detail::internal_outcome(failures);
    }
    if (out_of_memory || outcome.json.empty()) {
        const char* fallback = detail::last_resort(failures);
        host.emit(std::string_view(fallback, std::strlen(fallback)));
        return 1;
    }
    host.emit(outcome.json);
    return outcome.failed ? 1 : 0;
}

}  // namespace sdk
}  // namespace taskhost
