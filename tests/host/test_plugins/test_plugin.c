/*
 * Small plugins the host tests load: one source, one variant per compile definition. Plain C
 * using only the ABI header, like a third-party plugin would be.
 *
 *   (none)                      echo_v1: well formed; the outcome echoes the spec's params and
 *                               what it saw of the connection, never the key itself
 *   TEST_PLUGIN_ECHO_V2         the same task as a different build (version 2.0.0)
 *   TEST_PLUGIN_ABI_V2          describe says abi_version 2
 *   TEST_PLUGIN_MISSING_EXECUTE no plugin_execute symbol
 *   TEST_PLUGIN_BAD_DESCRIBE    describe is not JSON
 *   TEST_PLUGIN_DUP_TASK        another plugin offering echo_v1's task name
 *   TEST_PLUGIN_NO_EMIT         returns without emitting
 *   TEST_PLUGIN_DOUBLE_EMIT     emits twice
 *
 * The echo task's "behaviour" param picks what it does: "fail", "unchanged", "slow" (waits
 * for cancellation, up to 60 s), "leak" (a careless plugin that logs and returns the key),
 * "garbage" (emits text that is not JSON), "answers" (reports request answers through
 * host->answered: a good route, then a NULL, an oversized and a non-printable one, and an
 * impossible status); anything else succeeds.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <taskhost/plugin.h>

#include "tiny_json.h"

#if defined(TEST_PLUGIN_ABI_V2)
#define PLUGIN_NAME "abi_v2"
#define PLUGIN_ABI "2"
#elif defined(TEST_PLUGIN_DUP_TASK)
#define PLUGIN_NAME "dup_task"
#elif defined(TEST_PLUGIN_NO_EMIT)
#define PLUGIN_NAME "no_emit"
#elif defined(TEST_PLUGIN_DOUBLE_EMIT)
#define PLUGIN_NAME "double_emit"
#elif defined(TEST_PLUGIN_MISSING_EXECUTE)
#define PLUGIN_NAME "missing_execute"
#else
#define PLUGIN_NAME "echo_v1"
#endif

#ifndef PLUGIN_ABI
#define PLUGIN_ABI "1"
#endif

#ifdef TEST_PLUGIN_ECHO_V2
#define PLUGIN_VERSION "2.0.0"
#else
#define PLUGIN_VERSION "1.0.0"
#endif

#if defined(TEST_PLUGIN_NO_EMIT) || defined(TEST_PLUGIN_DOUBLE_EMIT)
#define TASK_NAME "test." PLUGIN_NAME
#else
#define TASK_NAME "test.echo"
#endif

static const char kDescribe[] =
    "{\"abi_version\": " PLUGIN_ABI ", \"name\": \"" PLUGIN_NAME
    "\", \"version\": \"" PLUGIN_VERSION "\", \"tasks\": [{\"name\": \"" TASK_NAME
    "\", \"summary\": \"Echoes its params (" PLUGIN_VERSION
    ")\", \"supports_dry_run\": true, \"sensitive_params\": [\"secret_note\"],"
    " \"rate_limits\": [{\"scope\": \"api_key\", \"requests\": 100, \"per_seconds\": 5}],"
    " \"params_schema\": {\"type\": \"object\", \"properties\": {"
    "\"count\": {\"type\": \"integer\"}, \"ratio\": {\"type\": \"number\"},"
    " \"flag\": {\"type\": \"boolean\"}, \"label\": {\"type\": \"string\"},"
    " \"names\": {\"type\": \"array\", \"items\": {\"type\": \"string\"}},"
    " \"ids\": {\"type\": \"array\", \"items\": {\"type\": \"integer\"}},"
    " \"extra\": {\"type\": \"object\"}, \"secret_note\": {\"type\": \"integer\"},"
    " \"behaviour\": {\"type\": \"string\"}}}}]}";

const char* plugin_describe(void) {
#ifdef TEST_PLUGIN_BAD_DESCRIBE
    return kDescribe[0] == '{' ? "this is not JSON {" : kDescribe;
#else
    return kDescribe;
#endif
}

#ifndef TEST_PLUGIN_MISSING_EXECUTE

/* Appends at most the room left; outcomes here are small. */
typedef struct {
    char text[65536];
    size_t used;
} Buffer;

static void add(Buffer* b, const char* text, size_t len) {
    if (b->used + len < sizeof b->text) {
        memcpy(b->text + b->used, text, len);
        b->used += len;
        b->text[b->used] = '\0';
    }
}

static void add_str(Buffer* b, const char* text) {
    add(b, text, strlen(text));
}

static void add_member(Buffer* b, const char* json, const char* key, const char* fallback) {
    const char* start;
    size_t len;
    if (find_member(json, key, &start, &len)) {
        add(b, start, len);
    } else {
        add_str(b, fallback);
    }
}

/* The connection as received, with the key's value replaced: the echo proves it got one. */
static void add_connection_without_key(Buffer* b, const char* json) {
    const char* start;
    size_t len;
    if (!find_member(json, "connection", &start, &len)) {
        add_str(b, "null");
        return;
    }
    const char* key_start;
    size_t key_len;
    if (find_member(start, "api_key", &key_start, &key_len) && key_start < start + len) {
        add(b, start, (size_t)(key_start - start));
        char note[64];
        snprintf(note, sizeof note, "\"<%zu bytes>\"", key_len >= 2 ? key_len - 2 : 0);
        add_str(b, note);
        add(b, key_start + key_len, (size_t)(start + len - (key_start + key_len)));
    } else {
        add(b, start, len);
    }
}

static void emit(const taskhost_host* host, const Buffer* b) {
    host->emit(host->ctx, b->text, b->used);
}

static void log_line(const taskhost_host* host, int level, const char* message) {
    if (host->log) {
        host->log(host->ctx, level, message);
    }
}

/* What a careless plugin could pass to answered, after one well-formed report. */
static void report_answers(const taskhost_host* host) {
    if (!TASKHOST_HOST_HAS(host, answered) || host->answered == NULL) {
        return;
    }
    char oversized[200];
    memset(oversized, 'r', sizeof oversized - 1);
    oversized[sizeof oversized - 1] = '\0';
    host->answered(host->ctx, "PUT /thing/{id}", 204);
    host->answered(host->ctx, NULL, 500);
    host->answered(host->ctx, oversized, 404);
    host->answered(host->ctx, "GET /thing/\n{id}", 0);
    host->answered(host->ctx, "GET /thing/{id}", 999);
}

int plugin_execute(const char* task_json, const taskhost_host* host) {
    static Buffer b; /* tests run one task per process at a time */
    b.used = 0;
    b.text[0] = '\0';
    const int dry_run = member_is(task_json, "dry_run", "true");
    const char* status = dry_run ? "planned" : "succeeded";
    const char* changed = "true";
    int failed = 0;

#ifdef TEST_PLUGIN_NO_EMIT
    return 0;
#endif
    if (member_is(task_json, "behaviour", "\"fail\"")) {
        status = "failed";
        changed = "false";
        failed = 1;
    } else if (member_is(task_json, "behaviour", "\"unchanged\"")) {
        changed = "false";
    } else if (member_is(task_json, "behaviour", "\"garbage\"")) {
        add_str(&b, "not json at all");
        emit(host, &b);
        return 1;
    } else if (member_is(task_json, "behaviour", "\"answers\"")) {
        report_answers(host);
    } else if (member_is(task_json, "behaviour", "\"slow\"")) {
        log_line(host, TASKHOST_LOG_INFO, "slow task started");
        struct timespec tick = {0, 10 * 1000 * 1000};
        for (int i = 0; i < 6000 && !(host->cancelled && host->cancelled(host->ctx)); ++i) {
            nanosleep(&tick, NULL);
        }
        if (host->cancelled && host->cancelled(host->ctx)) {
            status = "cancelled";
            changed = "false";
            failed = 1;
        }
    }

    add_str(&b, "{\"task\":\"" TASK_NAME "\",\"id\":");
    add_member(&b, task_json, "id", "null");
    add_str(&b, ",\"status\":\"");
    add_str(&b, status);
    add_str(&b, "\",\"changed\":");
    add_str(&b, changed);
    add_str(&b, failed ? ",\"failed\":true" : ",\"failed\":false");
    add_str(&b, ",\"msg\":\"echoed by " PLUGIN_NAME " " PLUGIN_VERSION "\"");
    if (failed) {
        add_str(
            &b,
            strcmp(status, "cancelled") == 0
                ? ",\"error\":{\"kind\":\"cancelled\",\"msg\":\"cancelled\",\"retryable\":false}"
                : ",\"error\":{\"kind\":\"server\",\"msg\":\"asked to fail\",\"retryable\":false}");
    }
    add_str(&b, ",\"params\":");
    add_member(&b, task_json, "params", "null");
    add_str(&b, ",\"dry_run\":");
    add_str(&b, dry_run ? "true" : "false");
    add_str(&b, ",\"connection\":");
    add_connection_without_key(&b, task_json);

    if (member_is(task_json, "behaviour", "\"leak\"")) {
        /* A careless plugin: the host must scrub what follows. */
        const char* key;
        size_t key_len;
        if (find_member(task_json, "api_key", &key, &key_len)) {
            char line[512];
            snprintf(line, sizeof line, "using key %.*s", (int)key_len, key);
            log_line(host, TASKHOST_LOG_WARN, line);
            add_str(&b, ",\"leaked\":");
            add(&b, key, key_len);
        }
    }
    add_str(&b, "}");
    emit(host, &b);
#ifdef TEST_PLUGIN_DOUBLE_EMIT
    {
        static const char second[] =
            "{\"task\":\"" TASK_NAME "\",\"status\":\"failed\",\"failed\":true,\"msg\":\"second\"}";
        host->emit(host->ctx, second, sizeof second - 1);
    }
#endif
    return failed;
}

#endif /* TEST_PLUGIN_MISSING_EXECUTE */
