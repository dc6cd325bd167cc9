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
 *  - A rule written in this header is part of the contract like a declaration: within one major
 *    a rule may be added (written down, or appended with a new field) but never loosened.
 *    include/taskhost/plugin_abi_fingerprint.txt records this file's SHA-256 and the version;
 *    a test fails when the file changes until the change is judged and the line re-recorded.
 *
 * Loading and lifetime (what the host does, and so what a plugin must allow)
 *  - The host loads a private copy of the file with dlopen(RTLD_NOW | RTLD_LOCAL): every symbol
 *    the plugin needs must resolve at load time (link with -Wl,--no-undefined). It looks up
 *    plugin_describe and plugin_execute with dlsym and refuses the file when either is missing.
 *    Build with hidden visibility and a linker version script that exports only those two.
 *  - A long-running host reloads plugins: changed bytes load as a new generation while tasks
 *    already running finish on the old one, so two generations of one plugin can be loaded in
 *    one process at the same time. Each has its own copy of the plugin's static state; a plugin
 *    shares nothing with another generation (no process-wide registry, environment variable or
 *    file used as shared memory).
 *  - The host dlcloses a generation when its last task ends. So the plugin's code runs only
 *    inside calls of plugin_describe and plugin_execute: no thread, timer, signal handler,
 *    atexit or pthread_atfork handler, or callback registered with another library outlives
 *    the call that started it. Static state must be safe to destroy at dlclose (static
 *    destructors run then).
 *  - The host is multi-threaded and owns the process: a plugin never changes process-wide state
 *    (signal dispositions or masks of other threads, the working directory, umask, environment,
 *    locale), never calls exit, _exit or abort, and never writes to stdout or stderr (the host
 *    prints the outcome on stdout and its log on stderr; a plugin logs through taskhost_host.log).
 *
 * Secrets: the only secret a plugin is given is connection.api_key in the task spec. It never
 * leaves the plugin except in the request it authenticates: not in the outcome, a log line, a
 * bucket name, an error message or a file. The host also scrubs the key it passed from the
 * outcome and from log lines, as defence in depth; a plugin does not rely on that.
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
 * shared one); every callback is safe to call from the thread running plugin_execute. The host
 * serialises the callbacks of one execution, so a plugin may also call them from another thread
 * that works on the same execution, as long as that call ends before plugin_execute returns.
 * Callbacks may block (acquire does); a plugin holds no lock of its own that another of its
 * threads needs while it is inside one.
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
     *
     * What the host accepts (anything else fails the task as a plugin bug, whatever
     * plugin_execute returns):
     *  - one JSON object, at most 1 MiB (1048576 bytes) and nested at most 64 deep;
     *  - with "status" (a string: "succeeded", "failed", "skipped", "planned" or "cancelled")
     *    or "failed" (a boolean), normally both, plus "changed" (a boolean), "msg" (one line of
     *    text for a person), the spec's "task" and "id", and on failure "error": {"kind", "msg",
     *    "retryable", "details"} (kinds: see README, "The task spec and the outcome"). The host
     *    fills in a missing "failed" from "status" and a missing "changed" as false.
     *  - Only the first call counts: the host logs a second one as a plugin bug and drops it.
     *    Returning without calling emit fails the task as a plugin bug.
     */
    void (*emit)(void* ctx, const char* outcome_json, size_t len);
    /*
     * A NUL-terminated UTF-8 log line at a taskhost_log_level. The plugin never passes a
     * secret (an API key, a password, a token) here. May be NULL.
     * The host keeps at most the first 8192 bytes, replaces every control character (newlines
     * included) with a space so that one call is one line, and prefixes the plugin's name. A
     * level outside taskhost_log_level is logged as info. A NULL `message` is ignored.
     */
    void (*log)(void* ctx, int level, const char* message);
    /*
     * Non-zero: the caller asked to stop. The plugin stops soon (at the latest before its next
     * request or retry) and emits an outcome with status "cancelled". May be NULL.
     * Cheap and non-blocking: a plugin may poll it, e.g. every 50 ms while it waits.
     */
    int (*cancelled)(void* ctx);
    /* ---- appended in ABI 1 for pacing; check `size` before reading ---- */
    /*
     * Buckets. A bucket names one rate-limited budget, usually one API key: the plugin chooses
     * it (for example "api_key:" + a short hash of the key, never the key itself), and every
     * task, of any plugin, that names the same bucket shares its budget. The host reads at most
     * the first 256 bytes of a bucket (a longer name is cut there, so two names that differ
     * only after byte 256 are one bucket) and replaces every byte that is not printable ASCII
     * (below 0x20, 0x7F and above) with '?'. Use short printable ASCII names. The budget of a
     * bucket is the task's "rate_limits" from plugin_describe, or the account's own limits
     * from the host's config.
     *
     * The request-in-flight rule. The pacer counts a turn at the time its request was
     * *answered* (so a request slowed by a handshake cannot land inside the window of a later
     * one), and learns of the answer only by what the same execution does next: the turn
     * granted by acquire is closed when that execution calls acquire again, calls throttled,
     * or returns from plugin_execute. Therefore a plugin has at most one HTTP request in
     * flight per execution between two acquire calls: acquire, send one request, read its
     * whole answer, and only then acquire again (or report throttled, or return). Requests
     * sent in parallel, or a second request on one turn, are not counted and can overrun the
     * server's limits. A turn whose request was never sent still counts once, until it closes.
     */
    /*
     * Asks the host's pacer for a turn on `bucket` before each HTTP request. `bucket` is a
     * NUL-terminated name the plugin chooses (see Buckets above). Blocks until the turn is
     * given, in the order the tasks on that bucket asked. Returns 0: go; non-zero: the task
     * was cancelled or ran out of time, and the plugin sends nothing (a NULL `bucket` also gets
     * non-zero). May be NULL: the plugin then paces itself.
     */
    int (*acquire)(void* ctx, const char* bucket);
    /*
     * Tells the host that the server answered "too many requests" on `bucket`, and how long it
     * asked to wait (0: it did not say). The host then holds every task on that bucket, not
     * only this one. May be NULL.
     * It also closes this execution's open turn (the 429 was that request's answer). The host
     * holds for `retry_after_ms` (at most one hour), or for its own backoff when 0. The plugin
     * still calls acquire before its retry. A NULL `bucket` is ignored.
     */
    void (*throttled)(void* ctx, const char* bucket, uint32_t retry_after_ms);
    /* ---- appended in ABI 1 for request metrics; check `size` before reading ---- */
    /*
     * Tells the host how one HTTP request of this execution ended, for the host's metrics (the
     * daemon counts them per plugin, route and status). A plugin calls it once per HTTP
     * attempt it started (retries are attempts), when the attempt ended: its whole answer
     * read, or the attempt failed; never for a request it did not start (no turn, cancelled
     * before). May be NULL: the host counts nothing, and the plugin works the same.
     *  - `route`: NUL-terminated; the plugin's name for the endpoint, a template fixed in its
     *    code: the method and the path with every variable part replaced, e.g.
     *    "PUT /domain/{id}/dcv/emails". Never an id, a name, a query value, an address, a
     *    key or any other secret; a plugin uses a small fixed set of routes (each one is a
     *    time series the host keeps). The host takes a route of 1 to 128 bytes of printable
     *    ASCII (0x20..0x7E) as it is; a NULL, empty or longer route, or one with any other
     *    byte, is counted as "other".
     *  - `status`: the HTTP status of the answer (100..599), or 0 when no answer came (a
     *    network, TLS or timeout failure, or a cancel while the request was under way). The
     *    host counts any other value as "other".
     * It is a report and nothing else: it does not close the pacing turn (the request-in-
     * flight rule above is unchanged: acquire, throttled or the return close it) and does not
     * replace throttled (a 429 is reported by both). Cheap and non-blocking.
     */
    void (*answered)(void* ctx, const char* route, int status);
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
 *
 * What the host checks, refusing the plugin (with the reason) when one fails:
 *  - the result is not NULL, at most 1 MiB, one JSON object nested at most 32 deep;
 *  - "abi_version" is an integer, or a string "MAJOR" / "MAJOR.MINOR", whose major equals the
 *    host's TASKHOST_ABI_VERSION;
 *  - "name" and "version" are non-empty strings;
 *  - "tasks" is an array of 1 to 256 objects with distinct names. A task "name" is made of
 *    letters, digits, '_', '-' and '.', at most 128 characters; "summary" is a non-empty
 *    string; "params_schema" is an object whose "properties" is an object (the host reads and
 *    checks params with it, but the plugin still validates everything); "supports_dry_run"
 *    (default false) is a boolean; "sensitive_params" is an array of param names that the
 *    host never shows back to a user.
 *  - "rate_limits": each entry with integer "requests" (1..1000000) and "per_seconds"
 *    (1..86400) is one window of the task's bucket (see Buckets); other entries are ignored,
 *    and at most 16 windows count. All windows hold at once.
 *
 * "connection_schema" (optional, top level): a JSON Schema (2020-12) object describing the
 * connection settings of one account in the host's config, for every task of the plugin. The
 * host validates each account that uses the plugin against it before running anything, with
 * this subset of the vocabulary (other keywords, such as "description" or "default", are
 * annotations the host does not check):
 *    "type", "enum", "minimum", "maximum", "minLength", "maxLength", "properties",
 *    "required", "additionalProperties": false, "items", and "oneOf" whose branches hold only
 *    "required" (exactly one of several settings must be given).
 * A string property with "format": "path" is a file path: the host makes a relative one
 * absolute against the directory of the config file. The host passes an account's settings
 * through, as given (paths made absolute), as the task spec's "connection" object, and adds
 * "api_key", resolved from the account's key source (api_key_file or api_key_env), which
 * therefore never appears in the schema or the config.
 */
const char* plugin_describe(void);

/*
 * Runs one task.
 *   task_json: NUL-terminated UTF-8 task spec (see README: task spec). Read only during the call.
 *   host:      the services the host offers this call (see taskhost_host). Never NULL.
 * Thread-safe: the host calls it from many threads at once. Never throws, never aborts on bad
 * input. Calls host->emit exactly once before returning. Returns 0 when the outcome's "failed"
 * is false (succeeded, skipped, planned), non-zero otherwise; the outcome tells why.
 *
 * The task spec is one JSON object:
 *   "task":       the name of one of the plugin's described tasks;
 *   "id":         a correlation id string (may be empty), echoed in the outcome;
 *   "dry_run":    a boolean: true asks for a plan; the plugin changes nothing (it may still
 *                 read, paced like any request) and answers status "planned";
 *   "params":     an object, the task's params;
 *   "connection": an object, the account's connection settings (see "connection_schema"),
 *                 with "api_key" when the host resolved a key. Only a dry run can come
 *                 without "api_key" (the host could not read the key and plans without it).
 * A plugin never trusts the spec: it validates every field before any network use and
 * answers a bad one with status "failed", error kind "invalid_input", naming the field.
 * If plugin_execute returns a value that disagrees with the outcome's "failed", the host logs
 * a plugin bug and the outcome counts. An exception escaping plugin_execute is undefined
 * behaviour in the host: a C++ plugin catches everything (see taskhost/plugin_sdk.hpp).
 * A plugin checks host->abi_version; a host of another major gets a failed outcome of kind
 * "plugin" naming both versions.
 */
int plugin_execute(const char* task_json, const taskhost_host* host);

/* Signatures as types, so that C++ plugins and hosts can check them at compile time. */
typedef const char* (*taskhost_plugin_describe_fn)(void);
typedef int (*taskhost_plugin_execute_fn)(const char* task_json, const taskhost_host* host);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* TASKHOST_PLUGIN_H */
