// The listening sockets of `taskhost serve`.
//
// Unix socket: access is the socket file's permissions (the pattern of Docker, Podman,
// containerd), so there is no token to leak into playbooks. The directory is created 0750 if
// missing; a socket file left by a dead daemon is removed, but only when nothing answers on it
// (a live daemon is never displaced, and a file that is not a socket is never deleted); the
// new socket is chmod 0660 and, when configured, chgrp'd to the daemon's group.
//
// TCP (opt-in): 127.0.0.1 only; the API then asks every request for the bearer token.
#pragma once

#include <Poco/Net/ServerSocket.h>

#include <optional>
#include <string>

#include "util/host_error.h"

namespace taskhost {

constexpr int kSocketMode = 0660;
constexpr int kSocketDirMode = 0750;
// Connections the kernel holds until the event loop accepts them (a burst of callers).
constexpr int kListenBacklog = 1024;

Result<Poco::Net::ServerSocket> listen_on_unix_socket(const std::string& path,
                                                      const std::optional<std::string>& group);

Result<Poco::Net::ServerSocket> listen_on_loopback(uint16_t port);

// Removes the socket file if it is still ours (the same inode we created).
class SocketFileCleanup {
  public:
    explicit SocketFileCleanup(std::string path);
    ~SocketFileCleanup();
    SocketFileCleanup(const SocketFileCleanup&) = delete;
    SocketFileCleanup& operator=(const SocketFileCleanup&) = delete;
    void remove_now();

  private:
    std::string path_;
    ino_t inode_ = 0;
    bool removed_ = false;
};

}  // namespace taskhost
