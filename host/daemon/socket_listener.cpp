#include "daemon/socket_listener.h"

#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "util/file_trust.h"

namespace taskhost {
namespace {

namespace fs = std::filesystem;
using Poco::Net::SocketAddress;

std::string mode_text(mode_t mode) {
    char text[8];
    std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
    return text;
}

Check prepare_directory(const std::string& path) {
    const fs::path dir = fs::path(path).parent_path();
    struct stat st {};
    if (::stat(dir.c_str(), &st) == 0) {
        if (!S_ISDIR(st.st_mode)) {
            return HostError{"daemon.socket " + path, dir.string() + " is not a directory",
                             "point \"socket\" (or --socket) into a directory"};
        }
        // Whoever can write the directory or one above it can replace the socket (issue 9).
        return check_trusted_directory(dir.string(), "daemon.socket directory");
    }
    // Only the last component is created (0750): a missing parent usually means a typo.
    if (::mkdir(dir.c_str(), kSocketDirMode) != 0) {
        const int err = errno;
        return HostError{
            "daemon.socket " + path,
            "its directory " + dir.string() + " cannot be created: " + std::strerror(err),
            "create it (install -d -m 0750 " + dir.string() + ") or choose another path"};
    }
    ::chmod(dir.c_str(), kSocketDirMode);  // umask may have narrowed it; just made by us
    return check_trusted_directory(dir.string(), "daemon.socket directory");
}

// A socket file already at `path`: another daemon's (refuse) or a dead one's (remove).
Check clear_stale_socket(const std::string& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
        return std::nullopt;  // nothing there
    }
    if (!S_ISSOCK(st.st_mode)) {
        return HostError{"daemon.socket " + path, "exists and is not a socket",
                         "move that file away, or choose another socket path"};
    }
    try {
        Poco::Net::StreamSocket probe;
        probe.connect(SocketAddress(SocketAddress::UNIX_LOCAL, path));
        return HostError{"daemon.socket " + path, "another taskhost serve is answering on it",
                         "stop that daemon first, or give this one another --socket"};
    } catch (const Poco::Exception&) {
        // Nobody answers: a socket file left behind by a daemon that died.
    }
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
        const int err = errno;
        return HostError{
            "daemon.socket " + path,
            std::string("a stale socket file cannot be removed: ") + std::strerror(err),
            "remove it by hand"};
    }
    return std::nullopt;
}

Result<gid_t> group_id(const std::string& name) {
    struct group entry {};
    struct group* found = nullptr;
    std::vector<char> buffer(16384);
    const int rc = ::getgrnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found);
    if (rc != 0 || found == nullptr) {
        return HostError{"daemon.group", "\"" + name + "\" is not a group on this machine",
                         "create it (groupadd " + name + ") or name an existing group"};
    }
    return found->gr_gid;
}

}  // namespace

Result<Poco::Net::ServerSocket> listen_on_unix_socket(const std::string& path,
                                                      const std::optional<std::string>& group) {
    std::optional<gid_t> gid;
    if (group) {
        Result<gid_t> found = group_id(*group);
        if (!found.ok()) {
            return found.error();
        }
        gid = found.value();
    }
    if (Check bad = prepare_directory(path)) {
        return *bad;
    }
    if (Check bad = clear_stale_socket(path)) {
        return *bad;
    }
    Poco::Net::ServerSocket socket;
    try {
        // Until the chmod below the socket must not be reachable wider than 0660 would allow.
        const mode_t old_mask = ::umask(0117);
        try {
            socket.bind(SocketAddress(SocketAddress::UNIX_LOCAL, path));
        } catch (...) {
            ::umask(old_mask);
            throw;
        }
        ::umask(old_mask);
        socket.listen(kListenBacklog);
    } catch (const Poco::Exception& e) {
        return HostError{"daemon.socket " + path, "cannot be bound: " + e.displayText(),
                         "check the directory's permissions, or choose another path"};
    }
    // The bind-time umask made it 0660 (no chmod by path: a path can be swapped for a symlink;
    // the directory is trusted, and lchown never follows one).
    if (gid && ::lchown(path.c_str(), static_cast<uid_t>(-1), *gid) != 0) {
        const int err = errno;
        return HostError{
            "daemon.group",
            "the socket cannot be given to group " + *group + ": " + std::strerror(err),
            "run the daemon as root or as a member of " + *group};
    }
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0 || !S_ISSOCK(st.st_mode) ||
        (st.st_mode & 07777) != kSocketMode) {
        return HostError{"daemon.socket " + path,
                         "has mode " + mode_text(st.st_mode) + " after binding with umask 0117",
                         "check the directory's file system"};
    }
    return socket;
}

Result<Poco::Net::ServerSocket> listen_on_loopback(uint16_t port) {
    try {
        Poco::Net::ServerSocket socket;
        socket.bind(SocketAddress("127.0.0.1", port), true);
        socket.listen(kListenBacklog);
        return socket;
    } catch (const Poco::Exception& e) {
        return HostError{"daemon.tcp.port " + std::to_string(port),
                         "cannot be bound on 127.0.0.1: " + e.displayText(),
                         "choose a free port, or remove \"tcp\" from the config"};
    }
}

SocketFileCleanup::SocketFileCleanup(std::string path) : path_(std::move(path)) {
    struct stat st {};
    if (::lstat(path_.c_str(), &st) == 0) {
        inode_ = st.st_ino;
    }
}

SocketFileCleanup::~SocketFileCleanup() {
    remove_now();
}

void SocketFileCleanup::remove_now() {
    if (removed_) {
        return;
    }
    removed_ = true;
    struct stat st {};
    // Another daemon may have taken the path over since: leave its socket alone.
    if (::lstat(path_.c_str(), &st) == 0 && S_ISSOCK(st.st_mode) && st.st_ino == inode_) {
        ::unlink(path_.c_str());
    }
}

}  // namespace taskhost
