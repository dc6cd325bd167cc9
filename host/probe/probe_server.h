/* What the probe program's two modes share (taskhost_plugin_probe.c, probe_server.c). */
#ifndef TASKHOST_PROBE_SERVER_H
#define TASKHOST_PROBE_SERVER_H

/* No core file, not dumpable, and (PARENT_PID given) killed when the parent goes. */
void confine(const char* parent_pid);
/* The answer channel: stdout as started, moved off fd 1, which then points at stderr. */
int take_stdout(void);
/* Loads FILE, checks both symbols, calls describe and says so on OUT; never returns. */
void probe_file(int out, const char* file) __attribute__((noreturn));
/* The warm probe server (plugin_probe_protocol.h): preloads LIBRARIES, then forks one child per
 * request. Returns when the host closes the socket. */
int serve(const char* parent_pid, int count, char** libraries);

#endif
