/*
 * taskhost plugin ABI, version 1.
 *
 * This header is the whole contract between the taskhost host and a plugin. It is plain C
 * (C99): no C++, no Poco, no allocator, no exception crosses it. Other programs compile
 * against it, so it only ever changes in the ways listed under "The ABI promise" below.
 *
 * A plugin is a shared library that exports exactly two symbols: plugin_describe and
 * plugin_execute. Nothing else may be required from a plugin.
 *
 * The ABI promise
 *  - TASKHOST_ABI_VERSION is the major version. A host refuses a plugin whose describe JSON
 *    reports another major, and says which two versions disagree.
 *  - Within one major, struct taskhost_host only grows by appending fields at its end. The
 *    host sets `size` to sizeof the struct it was built with; a plugin reads an appended field
 *    only when `size` covers it (see TASKHOST_HOST_HAS). Existing fields never move, change
 *    type or change meaning.
 *  - The two exported functions keep their signatures for the life of a major version.
 *  - Enum values below are never renumbered; new values are only added.
 *  - Anything that would break one of these rules bumps TASKHOST_ABI_VERSION.
 */
#ifndef TASKHOST_PLUGIN_H
#define TASKHOST_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TASKHOST_ABI_VERSION 1u

/* Severity of a message passed to taskhost_host.log. */
enum taskhost_log_level {
    TASKHOST_LOG_DEBUG = 0,
    TASKHOST_LOG_INFO = 1,
    TASKHOST_LOG_WARN = 2,
    TASKHOST_LOG_ERROR = 3
};

/*
 * What the host offers one execution.
 *
 * Ownership: the host owns the struct and everything it points to; the plugin only reads it,
 * and only during the plugin_execute call it was passed to. The plugin must not keep the
 * pointer, or call any callback, after plugin_execute returns.
 *
 * Threads: the host may run many plugin_execute calls at once, each with its own struct (or a
 * shared one); every callback is safe to call from the thread running plugin_execute.
 *
 * The size rule: `size` is sizeof(taskhost_host) as the host was built. Fields are only ever
 * appended. A plugin reads a field only when `size` covers it; a field the host does not cover,
 * or a NULL callback, is a service the host does not offer, and the plugin works without it.
 */
typedef struct taskhost_host {
    /* TASKHOST_ABI_VERSION of the host. */
    uint32_t abi_version;
    /* sizeof(taskhost_host) as the host knows it. */
    uint32_t size;
    /* Opaque; passed back as the first argument of every callback. */
    void* ctx;
    /*
     * Hands over the outcome JSON: exactly once per plugin_execute, before it returns.
     * `outcome_json` is UTF-8, `len` bytes, need not be NUL-terminated. The host copies the
     * bytes during the call; they need not outlive it. Never NULL.
     */
    void (*emit)(void* ctx, const char* outcome_json, size_t len);
    /*
     * A NUL-terminated UTF-8 log line at a taskhost_log_level. The plugin never passes a
     * secret (an API key, a password, a token) here. May be NULL.
     */
    void (*log)(void* ctx, int level, const char* message);
    /*
     * Non-zero: the caller asked to stop. The plugin stops soon (at the latest before its next
     * request or retry) and emits an outcome with status "cancelled". May be NULL.
     */
    int (*cancelled)(void* ctx);
    /* ---- appended in ABI 1 for pacing; check `size` before reading ---- */
    /*
     * Asks the host's pacer for a turn on `bucket` before each HTTP request. `bucket` is a
     * NUL-terminated name the plugin chooses (for example "api_key:" + a hash of the key,
     * never the key itself). Blocks until the turn is given. Returns 0: go; non-zero: the task
     * was cancelled or ran out of time, and the plugin sends nothing. May be NULL: the plugin
     * then paces itself.
     */
    int (*acquire)(void* ctx, const char* bucket);
    /*
     * Tells the host that the server answered "too many requests" on `bucket`, and how long it
     * asked to wait (0: it did not say). The host then holds every task on that bucket, not
     * only this one. May be NULL.
     */
    void (*throttled)(void* ctx, const char* bucket, uint32_t retry_after_ms);
} taskhost_host;

/* True when the host struct `h` covers `field` (the size rule above). */
#define TASKHOST_HOST_HAS(h, field) \
    ((h) != NULL && (size_t)(h)->size >= offsetof(taskhost_host, field) + sizeof((h)->field))

/*
 * Describes the plugin: a static NUL-terminated UTF-8 JSON object, valid for as long as the
 * library stays loaded. The caller must not free it. Cheap; callable any time, from any
 * thread, before anything else (no initialisation needed). It holds at least:
 *   "abi_version": the TASKHOST_ABI_VERSION the plugin was built with (the host loads a plugin
 *                  only when the majors agree),
 *   "name", "version",
 *   "tasks": [{"name", "summary", "params_schema" (JSON Schema), "supports_dry_run",
 *              "sensitive_params": [...], "rate_limits": [{"scope","requests","per_seconds"}]}].
 */
const char* plugin_describe(void);

/*
 * Runs one task.
 *   task_json: NUL-terminated UTF-8 task spec (see README: task spec). Read only during the call.
 *   host:      the services the host offers this call (see taskhost_host). Never NULL.
 * Thread-safe: the host calls it from many threads at once. Never throws, never aborts on bad
 * input. Calls host->emit exactly once before returning. Returns 0 when the outcome's "failed"
 * is false (succeeded, skipped, planned), non-zero otherwise; the outcome tells why.
 */
int plugin_execute(const char* task_json, const taskhost_host* host);

/* Signatures as types, so that C++ plugins and hosts can check them at compile time. */
typedef const char* (*taskhost_plugin_describe_fn)(void);
typedef int (*taskhost_plugin_execute_fn)(const char* task_json, const taskhost_host* host);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* TASKHOST_PLUGIN_H */
