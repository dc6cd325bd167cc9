/*
 * Plugins the daemon tests load, thread-safe (the daemon runs many tasks at once, unlike the
 * one-shot CLI): one source, a variant per compile definition. Plain C on the ABI header only.
 *
 *   TEST_PLUGIN_VERSION="1.0.0"   versioned_v1: task test.versioned; the outcome says which
 *   TEST_PLUGIN_VERSION="2.0.0"   versioned_v2  version ran it ("plugin_version"), so a test can
 *                                 tell which generation served each task across reloads
 *   TEST_PLUGIN_SLEEPER           sleeper: task test.sleep, holds a task in flight
 *
 * Params: "sleep_ms" (integer) sleeps that long first, checking host->cancelled every 5 ms
 * (sleeper: default 60 s); "fail": true makes the task fail. A dry run answers "planned".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <taskhost/plugin.h>

#ifdef TEST_PLUGIN_SLEEPER
#define PLUGIN_NAME "sleeper"
#define PLUGIN_VERSION "1.0.0"
#define TASK_NAME "test.sleep"
#define DEFAULT_SLEEP_MS 60000L
#else
#define PLUGIN_NAME "versioned"
#define PLUGIN_VERSION TEST_PLUGIN_VERSION
#define TASK_NAME "test.versioned"
#define DEFAULT_SLEEP_MS 0L
#endif

static const char kDescribe[] =
    "{\"abi_version\": 1, \"name\": \"" PLUGIN_NAME "\", \"version\": \"" PLUGIN_VERSION
    "\", \"tasks\": [{\"name\": \"" TASK_NAME
    "\", \"summary\": \"Answers with its version (" PLUGIN_VERSION
    ")\", \"supports_dry_run\": true, \"sensitive_params\": [],"
    " \"rate_limits\": [], \"params_schema\": {\"type\": \"object\", \"properties\": {"
    "\"sleep_ms\": {\"type\": \"integer\"}, \"fail\": {\"type\": \"boolean\"},"
    " \"label\": {\"type\": \"string\"}}}}]}";

const char* plugin_describe(void) {
    return kDescribe;
}

/* The raw JSON string value of "id" (with its quotes), or "null". The host writes the spec, so
 * a plain search is enough here; "id" appears once, at the top level, before "params". */
static void copy_id(const char* json, char* out, size_t size) {
    const char* at = strstr(json, "\"id\":\"");
    snprintf(out, size, "null");
    if (at == NULL) {
        return;
    }
    at += 5; /* at the opening quote */
    size_t len = 1;
    while (at[len] != '\0' && at[len] != '"') {
        len += (at[len] == '\\' && at[len + 1] != '\0') ? 2 : 1;
    }
    if (at[len] == '"' && len + 2 < size) {
        memcpy(out, at, len + 1);
        out[len + 1] = '\0';
    }
}

static long number_param(const char* json, const char* key, long fallback) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    const char* at = strstr(json, pattern);
    return at != NULL ? strtol(at + strlen(pattern), NULL, 10) : fallback;
}

static int is_cancelled(const taskhost_host* host) {
    return host->cancelled != NULL && host->cancelled(host->ctx) != 0;
}

int plugin_execute(const char* task_json, const taskhost_host* host) {
    char id[256];
    copy_id(task_json, id, sizeof id);
    const int dry_run = strstr(task_json, "\"dry_run\":true") != NULL;
    const int fail = strstr(task_json, "\"fail\":true") != NULL;
    long sleep_ms = number_param(task_json, "sleep_ms", DEFAULT_SLEEP_MS);
    const int has_key = strstr(task_json, "\"api_key\":") != NULL;

    if (sleep_ms > 0 && host->log != NULL) {
        host->log(host->ctx, TASKHOST_LOG_INFO, PLUGIN_NAME " " PLUGIN_VERSION " sleep started");
    }
    struct timespec tick = {0, 5 * 1000 * 1000};
    for (; sleep_ms > 0 && !is_cancelled(host); sleep_ms -= 5) {
        nanosleep(&tick, NULL);
    }
    const int cancelled = is_cancelled(host);
    const char* status = cancelled ? "cancelled"
                         : fail    ? "failed"
                         : dry_run ? "planned"
                                   : "succeeded";
    const int failed = cancelled || fail;

    char outcome[1024];
    const int len = snprintf(
        outcome, sizeof outcome,
        "{\"task\":\"" TASK_NAME
        "\",\"id\":%s,\"status\":\"%s\",\"changed\":%s,\"failed\":%s,"
        "\"msg\":\"%s by " PLUGIN_NAME " " PLUGIN_VERSION "\",\"plugin_version\":\"" PLUGIN_VERSION
        "\",\"had_key\":%s%s}",
        id, status, (failed || dry_run) ? "false" : "true", failed ? "true" : "false",
        cancelled ? "cancelled"
        : fail    ? "asked to fail"
                  : "done",
        has_key ? "true" : "false",
        cancelled ? ",\"error\":{\"kind\":\"cancelled\",\"msg\":\"cancelled\",\"retryable\":false}"
        : fail    ? ",\"error\":{\"kind\":\"server\",\"msg\":\"asked to fail\",\"retryable\":false}"
                  : "");
    host->emit(host->ctx, outcome, len > 0 && (size_t)len < sizeof outcome ? (size_t)len : 0);
    return failed;
}
