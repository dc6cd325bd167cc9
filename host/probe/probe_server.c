/*
 * The warm probe server (taskhost-plugin-probe --serve, plugin_probe_protocol.h): the daemon's
 * reloads probe each changed plugin file in a child forked from this server, which loaded the last
 * plugin's dependencies (Poco, OpenSSL, ...) once, so the child's dlopen relocates only the plugin
 * itself; the child for the next probe is forked ahead, while the server waits. The isolation is
 * the probe program's: the child is a separate process (its memory a copy; the control socket
 * closed before the plugin's code runs), in a process group of its own, killed with that group at
 * the time limit, when the host asks or when this server goes; no core dumps, not dumpable, the
 * empty environment the host started the server with. A crash, exit or hang of the plugin ends
 * only the child: the server reports its status and serves the next request. Single-threaded, so
 * fork is safe here.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "plugins/plugin_probe_protocol.h"
#include "probe_server.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

static long now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void send_text(int control, const char* text) {
    send(control, text, strlen(text), MSG_NOSIGNAL);
}

/* Room for the one descriptor a message passes. */
union ancillary {
    struct cmsghdr header;
    char space[CMSG_SPACE(sizeof(int))];
};

/* A message of the one part `part`, with `room` for a passed descriptor. */
static void fd_message(struct msghdr* message, struct iovec* part, union ancillary* room) {
    memset(room, 0, sizeof *room);
    memset(message, 0, sizeof *message);
    message->msg_iov = part;
    message->msg_iovlen = 1;
    message->msg_control = room->space;
    message->msg_controllen = sizeof room->space;
}

/* One message, and the descriptor passed with it (-1 if none): its length, or -1 at EOF. */
static ssize_t receive(int control, char* text, size_t size, int* fd) {
    union ancillary room;
    struct iovec part = {text, size - 1};
    struct msghdr message;
    fd_message(&message, &part, &room);
    ssize_t got;
    do {
        got = recvmsg(control, &message, MSG_CMSG_CLOEXEC);
    } while (got < 0 && errno == EINTR);
    *fd = -1;
    if (got <= 0) {
        return -1;
    }
    text[got] = '\0';
    struct cmsghdr* header = CMSG_FIRSTHDR(&message);
    if (header != NULL && header->cmsg_level == SOL_SOCKET && header->cmsg_type == SCM_RIGHTS) {
        memcpy(fd, CMSG_DATA(header), sizeof(int));
    }
    return got;
}

static int child_ended(pid_t pid) {
    siginfo_t info;
    memset(&info, 0, sizeof info);
    return waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == pid;
}

/* Whether `spare` (its socket, -1 if none) said its verdict is whole: reads its word. A socket
 * at its end (the child died) is closed and set to -1: from then the child's exit is waited for. */
static int spare_done(int* spare) {
    char word = 0;
    ssize_t got;
    do {
        got = recv(*spare, &word, 1, 0);
    } while (got < 0 && errno == EINTR);
    if (got == 1 && word == TASKHOST_PROBE_SPARE_DONE) {
        return 1;
    }
    if (got <= 0) {
        close(*spare);
        *spare = -1;
    }
    return 0;
}

/* Waits for the child, its word that its verdict is whole (`spare`, -1 when it is no spare), a
 * message from the host or the deadline; then kills the child's group (a zombie still holds its
 * id) and reaps it. "ended" goes to the host before the reaping when the child's word came first.
 * Returns 1 when the host has gone. */
static int watch(int control, pid_t pid, long timeout_ms, int spare) {
    const int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    const long deadline = now_ms() + timeout_ms;
    int late = 0;
    int gone = 0;
    int done = 0;
    while (!child_ended(pid)) {
        const long left = deadline - now_ms();
        if (left <= 0) {
            late = 1;
            break;
        }
        struct pollfd ready[3] = {{control, POLLIN, 0}, {spare, POLLIN, 0}, {pidfd, POLLIN, 0}};
        /* Without a pidfd (an old kernel), look again every millisecond. */
        const int polled = poll(ready, pidfd >= 0 ? 3 : 2, pidfd >= 0 ? (int)left : 1);
        if (polled > 0 && ready[0].revents != 0) {
            char text[64];
            int fd;
            gone = receive(control, text, sizeof text, &fd) < 0;
            if (fd >= 0) {
                close(fd);
            }
            break; /* "kill", or the host went */
        }
        if (polled > 0 && ready[1].revents != 0 && spare_done(&spare)) {
            done = 1;
            break;
        }
    }
    if (done && !gone) {
        send_text(control, TASKHOST_PROBE_SERVER_ENDED "0 0"); /* it calls _exit(0) next */
    }
    if (spare >= 0) {
        close(spare);
    }
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (pidfd >= 0) {
        close(pidfd);
    }
    if (!gone && !done) {
        char text[64];
        snprintf(text, sizeof text, TASKHOST_PROBE_SERVER_ENDED "%d %d", late, status);
        send_text(control, text);
    }
    return gone;
}

/* In the child: its own process group, killed with this server, and the server's control
 * socket closed before any plugin code runs. Returns 0 when the server is already gone. */
static int become_child(int control, pid_t server) {
    close(control);
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    return getppid() == server;
}

/* Forks the child that probes `file` with `out` as its answer channel. */
static pid_t start_child(int control, int out, const char* file) {
    const pid_t server = getpid();
    const pid_t pid = fork();
    if (pid == 0) {
        if (!become_child(control, server)) {
            _exit(1);
        }
        probe_file(out, file, -1);
    }
    if (pid > 0) {
        setpgid(pid, pid);
    }
    close(out);
    return pid;
}

/* The next probe's child, forked while the server is idle (issue 12: forking a server with Poco
 * and OpenSSL mapped took 1 to 2 ms of every reload). It makes its pages its own (warm_pages.c)
 * and waits on its own socket for the file and the answer channel, then probes as start_child's
 * child does and says on that socket when its verdict is whole. */
struct spare {
    pid_t pid;
    int socket;
};

static struct spare fork_spare(int control) {
    struct spare spare = {-1, -1};
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) {
        return spare;
    }
    const pid_t server = getpid();
    const pid_t pid = fork();
    if (pid == 0) {
        close(pair[0]);
        static char file[8192];
        int out = -1;
        if (!become_child(control, server)) {
            _exit(1);
        }
        warm_pages(pair[1]); /* until a request comes */
        if (receive(pair[1], file, sizeof file, &out) < 0 || out < 0) {
            _exit(1);
        }
        const char taken = TASKHOST_PROBE_SPARE_TAKEN;
        send(pair[1], &taken, 1, MSG_NOSIGNAL); /* from here a death is the plugin's */
        probe_file(out, file, pair[1]);
    }
    close(pair[1]);
    if (pid < 0) {
        close(pair[0]);
        return spare;
    }
    setpgid(pid, pid);
    spare.pid = pid;
    spare.socket = pair[0];
    return spare;
}

/* Hands `file` and `out` to the spare; 0 when it is gone or does not take them (then it is killed
 * and reaped, and `out` is still the caller's). The spare's socket stays open for its last word. */
static int hand_to_spare(struct spare* spare, int out, const char* file) {
    union ancillary room;
    struct iovec part = {(void*)file, strlen(file)};
    struct msghdr message;
    fd_message(&message, &part, &room);
    struct cmsghdr* header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(header), &out, sizeof(int));
    ssize_t sent;
    do {
        sent = sendmsg(spare->socket, &message, MSG_NOSIGNAL);
    } while (sent < 0 && errno == EINTR);
    /* Its word that it took the request: a spare killed just before (by anyone) is found out here
     * (end of file), not reported as the plugin's crash. */
    char taken = 0;
    if (sent >= 0) {
        struct pollfd ready = {spare->socket, POLLIN, 0};
        sent = -1;
        if (poll(&ready, 1, 1000) == 1 && recv(spare->socket, &taken, 1, 0) == 1 &&
            taken == TASKHOST_PROBE_SPARE_TAKEN) {
            sent = 1;
        }
    }
    if (sent < 0) {
        close(spare->socket);
        spare->socket = -1;
        kill(-spare->pid, SIGKILL);
        kill(spare->pid, SIGKILL);
        while (waitpid(spare->pid, NULL, 0) < 0 && errno == EINTR) {
        }
        spare->pid = -1;
        return 0;
    }
    close(out);
    return 1;
}

int serve(const char* parent_pid, int count, char** libraries) {
    confine(parent_pid);
    const int control = take_stdout();
    for (int i = 0; i < count; ++i) {
        dlopen(libraries[i], RTLD_NOW | RTLD_GLOBAL); /* one that fails is only not preloaded */
    }
    send_text(control, TASKHOST_PROBE_SERVER_READY);
    const size_t prefix = strlen(TASKHOST_PROBE_SERVER_PROBE);
    struct spare spare = {-1, -1};
    for (;;) {
        static char request[8192];
        int out;
        if (spare.pid < 0) {
            spare = fork_spare(control);
        }
        if (receive(control, request, sizeof request, &out) < 0) {
            return 0; /* the spare dies with this server (PR_SET_PDEATHSIG) */
        }
        char* file = NULL;
        const long timeout_ms = strtol(request + prefix, &file, 10);
        if (out < 0 || strncmp(request, TASKHOST_PROBE_SERVER_PROBE, prefix) != 0 ||
            timeout_ms <= 0 || *file != ' ') {
            if (out >= 0) {
                close(out);
            }
            continue; /* a late "kill", or nonsense */
        }
        pid_t pid = -1;
        int word = -1; /* the spare's socket, for its word that its verdict is whole */
        if (spare.pid > 0) {
            const pid_t waiting = spare.pid;
            if (hand_to_spare(&spare, out, file + 1)) {
                pid = waiting;
                word = spare.socket;
            }
            spare.pid = -1;
            spare.socket = -1;
        }
        if (pid < 0) { /* no spare, or it was gone: fork one now */
            pid = start_child(control, out, file + 1);
        }
        if (pid < 0) {
            send_text(control, TASKHOST_PROBE_SERVER_ENDED "0 768"); /* exit status 3 */
            continue;
        }
        if (watch(control, pid, timeout_ms, word)) {
            return 0;
        }
    }
}
