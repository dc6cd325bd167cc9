/* What the probe program's two modes share (taskhost_plugin_probe.c, probe_server.c). */
#ifndef TASKHOST_PROBE_SERVER_H
#define TASKHOST_PROBE_SERVER_H

/* No core file, not dumpable, and (PARENT_PID given) killed when the parent goes. */
void confine(const char* parent_pid);
/* The answer channel: stdout as started, moved off fd 1, which then points at stderr. */
int take_stdout(void);
/* Loads FILE, checks both symbols, calls describe and says so on OUT; never returns. With DONE
 * >= 0 (a spare's socket to the server), a whole verdict is followed by closing OUT and
 * TASKHOST_PROBE_SPARE_DONE on DONE. */
void probe_file(int out, const char* file, int done) __attribute__((noreturn));
/* Makes the pages a forked child shares with its parent its own, and maps the libraries' code, so
 * that what runs next does not fault on them (warm_pages.c); stops early when WAKE is readable. */
void warm_pages(int wake);
/* The warm probe server (plugin_probe_protocol.h): preloads LIBRARIES, then forks one child per
 * request. Returns when the host closes the socket. */
int serve(const char* parent_pid, int count, char** libraries);

#endif
