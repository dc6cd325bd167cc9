// The sd-daemon protocols without libsystemd (daemon/sd_daemon_protocol.h), in-process: a
// datagram reaches a path and an abstract NOTIFY_SOCKET as sd_notify(3) sends it; LISTEN_PID and
// LISTEN_FDS are read as sd_listen_fds(3) reads them and removed either way. The daemon's own
// use (READY/RELOADING/STOPPING, a socket passed by systemd-socket-activate) is tested in
// daemon_systemd_test.cpp, and under a real systemd in tests/package/fresh_debian_test.sh.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>

#include "daemon/sd_daemon_protocol.h"
#include "temp_dir.h"

namespace taskhost {
namespace {

// A datagram socket bound to `name` ("@..." abstract); returns its fd.
int bound_datagram_socket(const std::string& name) {
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un address {};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, name.data(), name.size());
    if (name[0] == '@') {
        address.sun_path[0] = '\0';
    }
    const socklen_t size = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size() +
                                                  (name[0] == '@' ? 0 : 1));
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), size), 0) << std::strerror(errno);
    return fd;
}

std::string received(int fd) {
    char buffer[256] = {};
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
    return n < 0 ? "(nothing)" : std::string(buffer, static_cast<size_t>(n));
}

TEST(SdDaemonProtocol, NotifiesAPathAndAnAbstractSocketAndNothingWithoutOne) {
    taskhost_test::TempDir dir;
    const std::string path = dir.path() + "/notify.sock";
    const int by_path = bound_datagram_socket(path);
    ::setenv("NOTIFY_SOCKET", path.c_str(), 1);
    EXPECT_TRUE(notify_systemd("READY=1\nSTATUS=serving"));
    EXPECT_EQ(received(by_path), "READY=1\nSTATUS=serving");

    const std::string abstract = "@taskhost-test-" + std::to_string(::getpid());
    const int by_name = bound_datagram_socket(abstract);
    ::setenv("NOTIFY_SOCKET", abstract.c_str(), 1);
    EXPECT_TRUE(notify_systemd("STOPPING=1"));
    EXPECT_EQ(received(by_name), "STOPPING=1");

    ::setenv("NOTIFY_SOCKET", "relative/path", 1);
    EXPECT_FALSE(notify_systemd("READY=1"));
    ::unsetenv("NOTIFY_SOCKET");
    EXPECT_FALSE(notify_systemd("READY=1"));
    EXPECT_EQ(received(by_path), "(nothing)");
    ::close(by_path);
    ::close(by_name);
}

TEST(SdDaemonProtocol, ListenFdsCountsOnlyForThisProcessAndAlwaysClearsTheVariables) {
    const std::string self = std::to_string(::getpid());
    ::setenv("LISTEN_PID", std::to_string(::getpid() + 1).c_str(), 1);
    ::setenv("LISTEN_FDS", "1", 1);
    ::setenv("LISTEN_FDNAMES", "taskhost.socket", 1);
    Result<int> other = take_listen_fds();
    ASSERT_TRUE(other.ok());
    EXPECT_EQ(other.value(), 0) << "another process's sockets";
    EXPECT_EQ(std::getenv("LISTEN_PID"), nullptr);
    EXPECT_EQ(std::getenv("LISTEN_FDS"), nullptr);
    EXPECT_EQ(std::getenv("LISTEN_FDNAMES"), nullptr);

    Result<int> none = take_listen_fds();
    ASSERT_TRUE(none.ok());
    EXPECT_EQ(none.value(), 0);

    for (const char* bad_count : {"x", "-1", "", "2147483647"}) {
        ::setenv("LISTEN_PID", self.c_str(), 1);
        ::setenv("LISTEN_FDS", bad_count, 1);
        Result<int> refused = take_listen_fds();
        ASSERT_FALSE(refused.ok()) << bad_count;
        EXPECT_NE(refused.error().text().find("LISTEN_FDS"), std::string::npos);
        EXPECT_EQ(std::getenv("LISTEN_FDS"), nullptr);
    }
    ::setenv("LISTEN_PID", "12ab", 1);
    ::setenv("LISTEN_FDS", "1", 1);
    EXPECT_FALSE(take_listen_fds().ok());
}

TEST(SdDaemonProtocol, OnlyAListeningUnixStreamSocketIsTakenForTheDaemon) {
    taskhost_test::TempDir dir;
    const int datagram = bound_datagram_socket(dir.path() + "/d.sock");
    EXPECT_FALSE(is_listening_unix_stream(datagram));
    const int stream = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un address {};
    address.sun_family = AF_UNIX;
    const std::string path = dir.path() + "/s.sock";
    std::memcpy(address.sun_path, path.data(), path.size());
    ASSERT_EQ(::bind(stream, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    EXPECT_FALSE(is_listening_unix_stream(stream)) << "bound, not listening";
    ASSERT_EQ(::listen(stream, 4), 0);
    EXPECT_TRUE(is_listening_unix_stream(stream));
    const int tcp = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_EQ(::listen(tcp, 4), 0);
    EXPECT_FALSE(is_listening_unix_stream(tcp)) << "a TCP listener";
    EXPECT_FALSE(is_listening_unix_stream(::open("/dev/null", O_RDONLY | O_CLOEXEC)));
    ::close(datagram);
    ::close(stream);
    ::close(tcp);
}

}  // namespace
}  // namespace taskhost
