/*
 * taskhost-plugin-probe FILE [PARENT_PID]: loads one plugin file and calls its plugin_describe,
 * in a process of its own, so that the host learns whether that is safe before it does the same
 * in its own process. The host (host/plugins/plugin_probe.cpp) starts it with posix_spawn, an
 * empty environment, stdin /dev/null and stdout a pipe, waits for it with a time limit and kills
 * it when it is late. What it writes on stdout is plugin_probe_protocol.h; the plugin's own
 * writes to stdout go to stderr instead. Run it by hand to see what a refused plugin does:
 *
 *     taskhost-plugin-probe /usr/lib/taskhost/plugins/some_plugin.so
 *
 * Plain C with libc and libdl only: it starts in about a millisecond.
 *
 * taskhost-plugin-probe --serve PARENT_PID [LIBRARY...] is the warm probe server instead
 * (probe_server.c): the daemon keeps one, so that a reload's probe is a fork, not a new process
 * that must load the plugin's dependencies again.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <link.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <taskhost/plugin.h>

#include "plugins/plugin_probe_protocol.h"
#include "probe_server.h"

/* In a sanitizer build the probe is instrumented like the plugins it loads (an instrumented
 * plugin needs the runtime in the process). Its runtime must not catch the plugin's crash and
 * turn it into an exit status: the host reports the signal. Ignored in other builds. */
const char* __asan_default_options(void);
const char* __asan_default_options(void) {
    return "handle_segv=0:handle_sigbus=0:handle_sigfpe=0:handle_sigill=0:handle_abort=0:"
           "detect_leaks=0";
}
const char* __tsan_default_options(void);
const char* __tsan_default_options(void) {
    return "handle_segv=0:handle_sigbus=0:handle_sigfpe=0:handle_sigill=0:handle_abort=0";
}

static int say(int out, const char* text, size_t size) {
    while (size > 0) {
        const ssize_t wrote = write(out, text, size);
        if (wrote <= 0) {
            return -1;
        }
        text += wrote;
        size -= (size_t)wrote;
    }
    return 0;
}

static void stage(int out, const char* name) {
    say(out, TASKHOST_PROBE_STAGE, strlen(TASKHOST_PROBE_STAGE));
    say(out, name, strlen(name));
    say(out, "\n", 1);
}

static void refuse(int out, const char* kind, const char* text) {
    say(out, TASKHOST_PROBE_REFUSED, strlen(TASKHOST_PROBE_REFUSED));
    say(out, kind, strlen(kind));
    say(out, "\n", 1);
    if (text != NULL) {
        say(out, text, strlen(text));
    }
    _exit(1);
}

/* No core file from a crashing plugin, and no probe left running when the host goes. */
void confine(const char* parent_pid) {
    const struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    if (parent_pid != NULL) {
        prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        if (getppid() != (pid_t)strtol(parent_pid, NULL, 10)) {
            _exit(1); /* the host already went */
        }
    }
}

/* The verdict channel: stdout as started, moved off fd 1, which then points at stderr. */
int take_stdout(void) {
    const int out = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
    if (out < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
        fprintf(stderr, TASKHOST_PROBE_PROGRAM ": stdout and stderr must be open\n");
        _exit(2);
    }
    return out;
}

/* "library PATH" for each object loaded but the plugin itself (its dependencies, and what the
 * probe had loaded anyway): what a warm probe server preloads. */
struct library_list {
    int out;
    const char* plugin;
};

static int say_library(struct dl_phdr_info* info, size_t size, void* data) {
    const struct library_list* list = (const struct library_list*)data;
    const char* name = info->dlpi_name;
    (void)size;
    if (name != NULL && name[0] == '/' && strcmp(name, list->plugin) != 0 &&
        strchr(name, '\n') == NULL) {
        say(list->out, TASKHOST_PROBE_LIBRARY, strlen(TASKHOST_PROBE_LIBRARY));
        say(list->out, name, strlen(name));
        say(list->out, "\n", 1);
    }
    return 0;
}

void probe_file(int out, const char* file, int done) {
    stage(out, TASKHOST_PROBE_STAGE_LOAD);
    void* handle = dlopen(file, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        refuse(out, TASKHOST_PROBE_REFUSED_LOAD, dlerror());
    }
    stage(out, TASKHOST_PROBE_STAGE_SYMBOLS);
    dlerror();
    void* describe_symbol = dlsym(handle, "plugin_describe");
    if (describe_symbol == NULL) {
        refuse(out, TASKHOST_PROBE_REFUSED_NO_DESCRIBE, dlerror());
    }
    dlerror();
    if (dlsym(handle, "plugin_execute") == NULL) {
        refuse(out, TASKHOST_PROBE_REFUSED_NO_EXECUTE, dlerror());
    }
    taskhost_plugin_describe_fn describe;
    memcpy(&describe, &describe_symbol, sizeof describe);

    stage(out, TASKHOST_PROBE_STAGE_DESCRIBE);
    const char* json = describe();
    if (json == NULL) {
        refuse(out, TASKHOST_PROBE_REFUSED_NULL, NULL);
    }
    const size_t size = strnlen(json, TASKHOST_PROBE_MAX_DESCRIBE_BYTES + 1);
    if (size > TASKHOST_PROBE_MAX_DESCRIBE_BYTES) {
        refuse(out, TASKHOST_PROBE_REFUSED_TOO_LARGE, NULL);
    }
    struct library_list list = {out, file};
    dl_iterate_phdr(say_library, &list);
    say(out, TASKHOST_PROBE_DESCRIBED, strlen(TASKHOST_PROBE_DESCRIBED));
    if (say(out, json, size) != 0) {
        _exit(2);
    }
    if (done >= 0) {
        const char word = TASKHOST_PROBE_SPARE_DONE;
        close(out);
        send(done, &word, 1, MSG_NOSIGNAL);
    }
    /* _exit: no atexit handler or library destructor of the plugin runs. */
    _exit(0);
}

int main(int argc, char** argv) {
    if (argc >= 3 && strcmp(argv[1], TASKHOST_PROBE_SERVE) == 0) {
        return serve(argv[2], argc - 3, argv + 3);
    }
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: " TASKHOST_PROBE_PROGRAM
                        " PLUGIN_FILE [PARENT_PID]\n"
                        "       " TASKHOST_PROBE_PROGRAM " " TASKHOST_PROBE_SERVE
                        " PARENT_PID [LIBRARY...]\n");
        return 2;
    }
    confine(argc == 3 ? argv[2] : NULL);
    probe_file(take_stdout(), argv[1], -1);
    return 2;
}
