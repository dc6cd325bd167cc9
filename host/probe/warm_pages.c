/*
 * The spare's pages made its own ahead of the request (issue 12). A forked child shares its
 * parent's memory copy-on-write and starts with no page table entries for the libraries' code and
 * constants, so the first write to each page and the first read of each code page fault; in a
 * virtual machine with shadow paging each fault costs tens of microseconds, and a probe's dlopen
 * and describe took about 4 ms of them on the 2-core test machine. The spare pays them while it
 * waits instead: each private page it has is written with its own value (the copy happens now)
 * and each read-only page is read, mapping by mapping, until a request comes. It costs the
 * spare's private copy of the server's writable pages (about 1-2 MiB), freed when the spare ends,
 * and about 25 ms of its CPU.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "probe_server.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)

void warm_pages(int wake) {
    (void)wake; /* their runtimes own most of the address space: nothing is warmed */
}

#else

/* Mappings larger than this are left alone (a huge heap or a reserve). */
#define WARM_MAX_MAPPING (64L * 1024 * 1024)
#define WARM_MAX_TOTAL (256L * 1024 * 1024)
#define WARM_AFTER_MS 5

static sigjmp_buf escape;

static void on_fault(int signal_number) {
    (void)signal_number;
    siglongjmp(escape, 1);
}

/* /proc/self/maps read whole into `text` (at most size - 1 bytes); its length, 0 when unread. */
static size_t read_maps(char* text, size_t size) {
    const int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return 0;
    }
    size_t length = 0;
    for (;;) {
        const ssize_t got = read(fd, text + length, size - 1 - length);
        if (got <= 0 || (size_t)got >= size - 1 - length) {
            length = got > 0 ? 0 : length; /* too many mappings: warm none rather than some */
            break;
        }
        length += (size_t)got;
    }
    close(fd);
    text[length] = '\0';
    return length;
}

/* Touches each page of one mapping: a write of the value it holds, or a read. */
static __attribute__((noinline)) void walk(uintptr_t start, uintptr_t end, int writable,
                                           long page) {
    for (uintptr_t at = start; at < end; at += (uintptr_t)page) {
        if (writable) {
            __atomic_fetch_add((volatile char*)at, 0, __ATOMIC_RELAXED);
        } else {
            (void)*(volatile const char*)at;
        }
    }
}

static void touch(uintptr_t start, uintptr_t end, int writable, long page) {
    volatile uintptr_t from = start, to = end;
    if (sigsetjmp(escape, 1) != 0) {
        return; /* a page that cannot be touched (past a file's end): the rest of it stays cold */
    }
    walk(from, to, writable, page);
}

/* Whether a request came on `wake` within `timeout_ms` (or the server went, or an error): stop. */
static int woken(int wake, int timeout_ms) {
    struct pollfd ready = {wake, POLLIN, 0};
    return poll(&ready, 1, timeout_ms) != 0;
}

void warm_pages(int wake) {
    /* First the host's own load of the plugin just probed (about 1.5 ms) and the exit of that
     * probe's child go by: warming beside them on 2 cores slowed the reload they belong to. */
    if (woken(wake, WARM_AFTER_MS)) {
        return;
    }
    static char maps[256 * 1024];
    if (read_maps(maps, sizeof maps) == 0) {
        return;
    }
    struct sigaction fault, old_segv, old_bus;
    memset(&fault, 0, sizeof fault);
    fault.sa_handler = on_fault;
    sigemptyset(&fault.sa_mask);
    sigaction(SIGSEGV, &fault, &old_segv);
    sigaction(SIGBUS, &fault, &old_bus);
    const long page = sysconf(_SC_PAGESIZE);
    long total = 0;
    for (char* line = maps; line != NULL && *line != '\0' && !woken(wake, 0);) {
        char* next = strchr(line, '\n');
        if (next != NULL) {
            *next++ = '\0';
        }
        unsigned long start = 0, end = 0;
        char perms[5] = {0};
        char path[16] = {0};
        const int fields = sscanf(line, "%lx-%lx %4s %*s %*s %*s %15s", &start, &end, perms, path);
        const long size = (long)(end - start);
        /* readable, private, not the kernel's [vvar]/[vdso]/[vsyscall] */
        if (fields >= 3 && perms[0] == 'r' && perms[3] == 'p' && strncmp(path, "[v", 2) != 0 &&
            size > 0 && size <= WARM_MAX_MAPPING && total + size <= WARM_MAX_TOTAL) {
            touch(start, end, perms[1] == 'w', page);
            total += size;
        }
        line = next;
    }
    sigaction(SIGSEGV, &old_segv, NULL);
    sigaction(SIGBUS, &old_bus, NULL);
}

#endif
