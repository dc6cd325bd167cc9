/*
 * inventory: the host tests' plugin for read-only tasks and for_each (plain C, thread-safe: every
 * buffer is the call's own). Two tasks:
 *
 *   test.inventory.list   read_only, item_columns NAME/SIZE/PHASE. Lists "count" items
 *                         (default 3) named PREFIX-1... (PREFIX from "prefix", default "item"):
 *                         {"key", "name", "size", "state": {"phase"}, "params": {"item", "n"}}.
 *                         "fail": true fails it; "bad": "no_key" | "dup_key" | "no_params"
 *                         (item 2 is so), or "incomplete" (items_incomplete: true)
 *                         spoils item 2. Its summary says how many, whether the spec was a dry
 *                         run and whether the host offered its pacer and gave a turn. It
 *                         describes no dry run, and fails one: the host must read for real.
 *   test.inventory.touch  changes something (supports a dry run): succeeds, echoing its params.
 *                         "label": "fail" fails it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <taskhost/plugin.h>

#include "tiny_json.h"

static const char kDescribe[] =
    "{\"abi_version\": 1, \"name\": \"inventory\", \"version\": \"1.0.0\", \"tasks\": ["
    "{\"name\": \"test.inventory.list\", \"summary\": \"Lists test items\", \"read_only\": true,"
    " \"item_columns\": [{\"title\": \"NAME\", \"key\": \"name\"},"
    " {\"title\": \"SIZE\", \"key\": \"size\"}, {\"title\": \"PHASE\", \"key\": \"state.phase\"}],"
    " \"rate_limits\": [{\"scope\": \"api_key\", \"requests\": 100, \"per_seconds\": 5}],"
    " \"params_schema\": {\"type\": \"object\", \"additionalProperties\": false, \"properties\": {"
    "\"count\": {\"type\": \"integer\", \"minimum\": 0, \"maximum\": 5000},"
    " \"fail\": {\"type\": \"boolean\"}, \"prefix\": {\"type\": \"string\", \"maxLength\": 32},"
    " \"bad\": {\"type\": \"string\", \"enum\": [\"no_key\", \"dup_key\", \"no_params\", "
    "\"incomplete\"]}}}},"
    "{\"name\": \"test.inventory.touch\", \"summary\": \"Touches one test item\","
    " \"supports_dry_run\": true,"
    " \"rate_limits\": [{\"scope\": \"api_key\", \"requests\": 100, \"per_seconds\": 5}],"
    " \"params_schema\": {\"type\": \"object\", \"additionalProperties\": false,"
    " \"required\": [\"item\"], \"properties\": {"
    "\"item\": {\"type\": \"string\"}, \"n\": {\"type\": \"integer\", \"maximum\": 100},"
    " \"label\": {\"type\": \"string\"}}}}]}";

const char* plugin_describe(void) {
    return kDescribe;
}

/* A growing text buffer, the call's own. */
typedef struct {
    char* text;
    size_t used;
    size_t size;
} Buffer;

static void add(Buffer* b, const char* text, size_t len) {
    if (b->used + len + 1 > b->size) {
        size_t size = b->size ? b->size : 1024;
        while (b->used + len + 1 > size) {
            size *= 2;
        }
        char* grown = realloc(b->text, size);
        if (!grown) {
            return;
        }
        b->text = grown;
        b->size = size;
    }
    memcpy(b->text + b->used, text, len);
    b->used += len;
    b->text[b->used] = '\0';
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

/* The "prefix" param without its quotes, at most 32 plain characters; "item" when absent. */
static void read_prefix(const char* spec, char* prefix, size_t size) {
    const char* start;
    size_t len;
    snprintf(prefix, size, "item");
    if (find_member(spec, "prefix", &start, &len) && len >= 2 && start[0] == '"') {
        size_t n = len - 2 < size - 1 ? len - 2 : size - 1;
        memcpy(prefix, start + 1, n);
        prefix[n] = '\0';
    }
}

static void add_item(Buffer* b, const char* spec, const char* prefix, long n) {
    char text[512];
    const long key_n = member_is(spec, "bad", "\"dup_key\"") && n == 2 ? 1 : n;
    if (member_is(spec, "bad", "\"no_key\"") && n == 2) {
        snprintf(text, sizeof text, "{\"name\":\"%s-%ld\",\"size\":%ld,", prefix, n, n);
    } else {
        snprintf(text, sizeof text, "{\"key\":\"%s-%ld\",\"name\":\"%s-%ld\",\"size\":%ld,", prefix,
                 key_n, prefix, n, n);
    }
    add_str(b, text);
    snprintf(text, sizeof text, "\"state\":{\"phase\":\"%s\"}", n % 2 ? "ready" : "pending");
    add_str(b, text);
    if (!(member_is(spec, "bad", "\"no_params\"") && n == 2)) {
        snprintf(text, sizeof text, ",\"params\":{\"item\":\"%s-%ld\",\"n\":%ld}", prefix, n, n);
        add_str(b, text);
    }
    add_str(b, "}");
}

static int list_items(const char* spec, const taskhost_host* host, Buffer* b) {
    const char* start;
    size_t len;
    long count = 3;
    if (find_member(spec, "count", &start, &len)) {
        count = strtol(start, NULL, 10);
    }
    /* It describes no dry run: the host must run it for real, also in a plan. */
    const int dry_run = member_is(spec, "dry_run", "true");
    const int failed = member_is(spec, "fail", "true") || dry_run;
    const int paced = host->acquire != NULL;
    const int turn = paced ? host->acquire(host->ctx, "inventory:test") == 0 : 0;
    char prefix[40];
    read_prefix(spec, prefix, sizeof prefix);
    add_str(b, "{\"task\":\"test.inventory.list\",\"id\":");
    add_member(b, spec, "id", "null");
    add_str(b, dry_run  ? ",\"status\":\"failed\",\"changed\":false,\"failed\":true,"
                          "\"msg\":\"a listing has no dry run\","
                          "\"error\":{\"kind\":\"invalid_input\",\"msg\":\"dry run\","
                          "\"retryable\":false}"
               : failed ? ",\"status\":\"failed\",\"changed\":false,\"failed\":true,"
                          "\"msg\":\"inventory unreachable (asked to fail)\","
                          "\"error\":{\"kind\":\"server\",\"msg\":\"asked to fail\","
                          "\"retryable\":false}"
                        : ",\"status\":\"succeeded\",\"changed\":false,\"failed\":false");
    if (!failed) {
        char msg[128];
        snprintf(msg, sizeof msg, ",\"msg\":\"listed %ld items\",\"items\":[", count);
        add_str(b, msg);
        for (long n = 1; n <= count; ++n) {
            if (n > 1) {
                add_str(b, ",");
            }
            add_item(b, spec, prefix, n);
        }
        add_str(b, "]");
        if (member_is(spec, "bad", "\"incomplete\"")) {
            add_str(b, ",\"items_incomplete\":true");
        }
    }
    char summary[256];
    snprintf(summary, sizeof summary,
             ",\"summary\":{\"count\":%ld,\"dry_run\":%s,\"paced\":%s,\"turn\":%s}}", count,
             dry_run ? "true" : "false", paced ? "true" : "false", turn ? "true" : "false");
    add_str(b, summary);
    return failed;
}

static int touch_item(const char* spec, Buffer* b) {
    const int dry_run = member_is(spec, "dry_run", "true");
    const int failed = member_is(spec, "label", "\"fail\"");
    add_str(b, "{\"task\":\"test.inventory.touch\",\"id\":");
    add_member(b, spec, "id", "null");
    add_str(b, failed    ? ",\"status\":\"failed\",\"changed\":false,\"failed\":true,"
                           "\"error\":{\"kind\":\"server\",\"msg\":\"asked to fail\","
                           "\"retryable\":false}"
               : dry_run ? ",\"status\":\"planned\",\"changed\":true,\"failed\":false"
                         : ",\"status\":\"succeeded\",\"changed\":true,\"failed\":false");
    add_str(b, ",\"msg\":\"touched ");
    const char* start;
    size_t len;
    if (find_member(spec, "item", &start, &len) && len >= 2) {
        add(b, start + 1, len - 2);
    }
    add_str(b, "\",\"params\":");
    add_member(b, spec, "params", "null");
    add_str(b, "}");
    return failed;
}

int plugin_execute(const char* task_json, const taskhost_host* host) {
    Buffer b = {NULL, 0, 0};
    int failed;
    if (member_is(task_json, "task", "\"test.inventory.list\"")) {
        failed = list_items(task_json, host, &b);
    } else {
        failed = touch_item(task_json, &b);
    }
    if (b.text) {
        host->emit(host->ctx, b.text, b.used);
    } else {
        static const char kNoMemory[] =
            "{\"status\":\"failed\",\"failed\":true,\"changed\":false,\"msg\":\"out of memory\"}";
        host->emit(host->ctx, kNoMemory, sizeof kNoMemory - 1);
        failed = 1;
    }
    free(b.text);
    return failed;
}
