// The daemon as a systemd service (sd-daemon(3)'s protocols, daemon/sd_daemon_protocol.h):
// readiness and reload state through the notify socket, and the listening unix socket systemd
// passes on socket activation. Without NOTIFY_SOCKET notifying does nothing; without
// LISTEN_FDS/LISTEN_PID for this process the daemon binds its own socket.
#pragma once

#include <Poco/Net/ServerSocket.h>

#include <optional>
#include <string>

#include "util/host_error.h"

namespace taskhost {

// "READY=1", "STOPPING=1", "STATUS=..." (one or more lines); a no-op outside systemd.
void notify_service(const std::string& state);
// "RELOADING=1" with the MONOTONIC_USEC newer systemd wants.
void notify_reloading();

// The one unix stream socket, already listening, that systemd passed (LISTEN_FDS=1 for our
// pid); nullopt when nothing was passed. Anything else passed (another kind of socket, several
// sockets) is an error. Its file keeps the mode and owner systemd gave it; the daemon never
// unlinks it. The LISTEN_* variables are removed, so plugin probes do not see them.
Result<std::optional<Poco::Net::ServerSocket>> take_activated_socket();

// The path a unix socket is bound to ("" when unknown): for the log.
std::string bound_unix_path(const Poco::Net::ServerSocket& socket);

}  // namespace taskhost
