/* What taskhost-plugin-probe (host/probe/) tells the host about one plugin file, on the
 * descriptor that is its stdout when it starts. Plain C: the probe is a C program.
 *
 *   "stage load\n"        before dlopen (the plugin's constructors run in it)
 *   "stage symbols\n"     before dlsym of both ABI symbols
 *   "stage describe\n"    before plugin_describe is called
 *   "library PATH\n"     after plugin_describe returned, one per object loaded in the probe
 *                         (the plugin's dependencies): what a warm probe server preloads
 * then exactly one verdict, whose payload runs to the end of the output:
 *   "described\n" JSON    exit status 0: what plugin_describe returned
 *   "refused KIND\n" TEXT exit status 1: KIND is one of the TASKHOST_PROBE_REFUSED_* below,
 *                         TEXT the dlerror() text when there is one
 * A probe that ends in any other way (a signal, another exit status, no verdict) was ended by
 * the plugin, in the last stage it announced. */
#ifndef TASKHOST_PLUGIN_PROBE_PROTOCOL_H
#define TASKHOST_PLUGIN_PROBE_PROTOCOL_H

#define TASKHOST_PROBE_PROGRAM "taskhost-plugin-probe"

#define TASKHOST_PROBE_STAGE "stage "
#define TASKHOST_PROBE_STAGE_LOAD "load"
#define TASKHOST_PROBE_STAGE_SYMBOLS "symbols"
#define TASKHOST_PROBE_STAGE_DESCRIBE "describe"

#define TASKHOST_PROBE_DESCRIBED "described\n"
#define TASKHOST_PROBE_REFUSED "refused "
#define TASKHOST_PROBE_REFUSED_LOAD "load"               /* dlopen failed */
#define TASKHOST_PROBE_REFUSED_NO_DESCRIBE "no-describe" /* no plugin_describe symbol */
#define TASKHOST_PROBE_REFUSED_NO_EXECUTE "no-execute"   /* no plugin_execute symbol */
#define TASKHOST_PROBE_REFUSED_NULL "null"               /* plugin_describe returned NULL */
#define TASKHOST_PROBE_REFUSED_TOO_LARGE "too-large"     /* describe longer than the bound */

#define TASKHOST_PROBE_LIBRARY "library "

/* The warm probe server (taskhost-plugin-probe --serve PARENT_PID [LIBRARY...]; the host's side
 * is plugin_probe_warm.h). Its stdout is a SOCK_SEQPACKET socket, one message each:
 *   server: "ready"                  once the LIBRARY arguments are loaded (RTLD_GLOBAL)
 *   host:   "probe TIMEOUT_MS FILE"  with the write end of a pipe (SCM_RIGHTS): a forked child
 *                                    probes FILE with that pipe as its answer channel, exactly
 *                                    as the probe program does
 *   host:   "kill"                   the child under way is killed
 *   server: "ended LATE STATUS"      the child was reaped: LATE 1 when the server killed it at
 *                                    TIMEOUT_MS, STATUS its waitpid status; or, "ended 0 0" as
 *                                    soon as a spare child says it has written its whole verdict
 *                                    and closed the pipe (TASKHOST_PROBE_SPARE_DONE), before its
 *                                    exit is torn down (issue 12: that took 2 ms of a reload)
 * The server exits when the host closes its end (or dies: PR_SET_PDEATHSIG). */
#define TASKHOST_PROBE_SERVE "--serve"
#define TASKHOST_PROBE_SERVER_READY "ready"
#define TASKHOST_PROBE_SERVER_PROBE "probe "
#define TASKHOST_PROBE_SERVER_KILL "kill"
#define TASKHOST_PROBE_SERVER_ENDED "ended "
/* A spare child to the server, on its own socket: "k" it took the request, "d" its verdict is
 * written and its pipe closed; it calls _exit(0) next. */
#define TASKHOST_PROBE_SPARE_TAKEN 'k'
#define TASKHOST_PROBE_SPARE_DONE 'd'

/* The longest describe JSON a probe hands over (and the host accepts). */
#define TASKHOST_PROBE_MAX_DESCRIBE_BYTES (1024 * 1024)

#endif
