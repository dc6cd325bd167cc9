/*
 * A plugin host written in plain C99 that includes only the public header and links only
 * libdl: the proof that the ABI in include/taskhost/plugin.h is usable from C as documented.
 *
 *   abi_client PLUGIN.so BASE_URL CA_FILE DOMAIN_ID NAME_SCOPE EMAIL
 *
 * The API key comes from the environment (ABI_CLIENT_API_KEY), never from argv. Prints the
 * outcome on stdout. Exit: plugin_execute's result (0 or 1), 3 when the plugin cannot be
 * used, 4 when the plugin broke the emit-exactly-once rule.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "taskhost/plugin.h"

struct capture {
    int emits;
    char outcome[65536];
    size_t len;
};

static void on_emit(void* ctx, const char* json, size_t len) {
    struct capture* c = (struct capture*)ctx;
    c->emits++;
    if (len >= sizeof c->outcome) {
        len = sizeof c->outcome - 1;
    }
    memcpy(c->outcome, json, len);
    c->outcome[len] = '\0';
    c->len = len;
}

static void on_log(void* ctx, int level, const char* message) {
    (void)ctx;
    fprintf(stderr, "abi_client: [%d] %s\n", level, message);
}

static int never_cancelled(void* ctx) {
    (void)ctx;
    return 0;
}

/* Reads the integer after "abi_version": in the describe JSON; -1 when absent. */
static long describe_abi_version(const char* describe) {
    const char* p = strstr(describe, "\"abi_version\"");
    if (p == NULL) {
        return -1;
    }
    p += strlen("\"abi_version\"");
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == ':') {
        p++;
    }
    return strtol(p, NULL, 10);
}

static int plain(const char* s) {
    return strpbrk(s, "\"\\\n\r\t") == NULL;
}

int main(int argc, char** argv) {
    if (argc != 7) {
        fprintf(stderr,
                "usage: abi_client PLUGIN.so BASE_URL CA_FILE DOMAIN_ID NAME_SCOPE EMAIL\n");
        return 2;
    }
    const char* key = getenv("ABI_CLIENT_API_KEY");
    if (key == NULL || !plain(key) || !plain(argv[2]) || !plain(argv[3]) || !plain(argv[5]) ||
        !plain(argv[6])) {
        fprintf(stderr, "abi_client: ABI_CLIENT_API_KEY unset, or an argument needs escaping\n");
        return 2;
    }

    void* lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        fprintf(stderr, "abi_client: dlopen: %s\n", dlerror());
        return 3;
    }
    /* POSIX's sanctioned way to turn dlsym's void* into a function pointer from C. */
    taskhost_plugin_describe_fn describe;
    taskhost_plugin_execute_fn execute;
    *(void**)(&describe) = dlsym(lib, "plugin_describe");
    *(void**)(&execute) = dlsym(lib, "plugin_execute");
    if (describe == NULL || execute == NULL) {
        fprintf(stderr, "abi_client: missing symbol: %s\n", dlerror());
        return 3;
    }
    long abi = describe_abi_version(describe());
    if (abi != (long)TASKHOST_ABI_VERSION) {
        fprintf(stderr, "abi_client: plugin reports ABI %ld, this host speaks ABI %u\n", abi,
                TASKHOST_ABI_VERSION);
        return 3;
    }

    static char spec[8192];
    int n = snprintf(spec, sizeof spec,
                     "{\"task\":\"digicert.dcv.resend\",\"id\":\"abi-c-1\",\"dry_run\":false,"
                     "\"params\":{\"domain_id\":%s,\"name_scope\":\"%s\",\"locale\":\"en\","
                     "\"email_array\":[\"%s\"]},"
                     "\"connection\":{\"base_url\":\"%s\",\"api_key\":\"%s\",\"ca_file\":\"%s\","
                     "\"timeout_ms\":10000}}",
                     argv[4], argv[5], argv[6], argv[2], key, argv[3]);
    if (n < 0 || (size_t)n >= sizeof spec) {
        fprintf(stderr, "abi_client: task spec too long\n");
        return 2;
    }

    static struct capture cap;
    taskhost_host host;
    memset(&host, 0, sizeof host);
    host.abi_version = TASKHOST_ABI_VERSION;
    host.size = (uint32_t)sizeof host;
    host.ctx = &cap;
    host.emit = on_emit;
    host.log = on_log;
    host.cancelled = never_cancelled;
    host.acquire = NULL; /* the plugin paces itself */
    host.throttled = NULL;

    int rc = execute(spec, &host);
    memset(spec, 0, sizeof spec); /* the key was in there */
    if (cap.emits != 1) {
        fprintf(stderr, "abi_client: plugin emitted %d times, the ABI says exactly once\n",
                cap.emits);
        return 4;
    }
    fwrite(cap.outcome, 1, cap.len, stdout);
    fputc('\n', stdout);
    dlclose(lib);
    return rc == 0 ? 0 : 1;
}
