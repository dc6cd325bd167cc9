/*
 * Plugins whose load or plugin_describe never comes back in one piece: what the host's probe
 * (host/probe/taskhost_plugin_probe.c) must refuse while the host serves on. One source, one
 * variant per compile definition; every variant exports both ABI symbols and is a complete ELF
 * shared object, so only running it shows what is wrong.
 *
 *   TEST_PLUGIN_HANG_DESCRIBE   plugin_describe sleeps forever
 *   TEST_PLUGIN_CRASH_DESCRIBE  plugin_describe touches unmapped memory (SIGSEGV)
 *   TEST_PLUGIN_EXIT_DESCRIBE   plugin_describe calls exit(3)
 *   TEST_PLUGIN_ABORT_ON_LOAD   a library constructor calls abort() (SIGABRT)
 *   TEST_PLUGIN_HANG_ON_LOAD    a library constructor sleeps forever
 */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include <taskhost/plugin.h>

static const char kDescribe[] =
    "{\"abi_version\": 1, \"name\": \"misbehaving\", \"version\": \"1.0.0\", \"tasks\": "
    "[{\"name\": \"test.misbehaving\", \"summary\": \"Never gets to run\", "
    "\"params_schema\": {\"type\": \"object\"}}]}";

__attribute__((unused)) static void sleep_forever(void) {
    for (;;) {
        pause();
    }
}

#if defined(TEST_PLUGIN_ABORT_ON_LOAD)
__attribute__((constructor)) static void abort_on_load(void) {
    abort();
}
#elif defined(TEST_PLUGIN_HANG_ON_LOAD)
__attribute__((constructor)) static void hang_on_load(void) {
    sleep_forever();
}
#endif

const char* plugin_describe(void) {
#if defined(TEST_PLUGIN_HANG_DESCRIBE)
    sleep_forever();
#elif defined(TEST_PLUGIN_CRASH_DESCRIBE)
    /* An address no process maps, hidden from the compiler: a real SIGSEGV, not a trap. */
    int* volatile target = (int*)(uintptr_t)16;
    *target = 1;
#elif defined(TEST_PLUGIN_EXIT_DESCRIBE)
    exit(3);
#endif
    return kDescribe;
}

int plugin_execute(const char* task_json, const taskhost_host* host) {
    static const char kOutcome[] =
        "{\"task\": \"test.misbehaving\", \"status\": \"failed\", \"changed\": false, "
        "\"failed\": true, \"msg\": \"should never have been loaded\"}";
    (void)task_json;
    host->emit(host->ctx, kOutcome, sizeof kOutcome - 1);
    return 1;
}
