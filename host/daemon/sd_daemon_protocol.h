// systemd's two service protocols the daemon speaks, without libsystemd: readiness and state
// datagrams to $NOTIFY_SOCKET (sd_notify(3)) and the sockets passed on activation from fd 3
// (sd_listen_fds(3)). systemd documents both as stable interfaces for programs that do not link
// libsystemd. Linking it cost every taskhost process, the CLI's `run` included, libsystemd and
// the six libraries it brings: about 1 MiB and a part of the dynamic loader's start-up (issue 12).
#pragma once

#include <string>

#include "util/host_error.h"

namespace taskhost {

// The first passed descriptor (SD_LISTEN_FDS_START).
constexpr int kFirstPassedFd = 3;

// Sends `state` ("READY=1", "STATUS=..." ...) as one datagram to $NOTIFY_SOCKET: a path, or
// "@name" for the abstract namespace. Returns false when NOTIFY_SOCKET is unset (not under
// systemd) or the datagram could not be sent; like sd_notify's callers, the daemon goes on.
bool notify_systemd(const std::string& state);

// How many sockets systemd passed to this process: 0 unless LISTEN_PID is this process's pid.
// They are fds kFirstPassedFd..+n-1 and are made close-on-exec. LISTEN_PID, LISTEN_FDS and
// LISTEN_FDNAMES are removed from the environment either way, so children never see them.
// A LISTEN_PID or LISTEN_FDS that is not a number is an error.
Result<int> take_listen_fds();

// Whether `fd` is a unix stream socket that is listening.
bool is_listening_unix_stream(int fd);

}  // namespace taskhost
