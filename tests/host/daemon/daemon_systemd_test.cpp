// `taskhost serve` under systemd's protocols, with systemd's own tools where Debian has them:
// sd_notify (READY=1 once serving, RELOADING=1 then READY=1 around SIGHUP, STOPPING=1 at
// SIGTERM, read from a NOTIFY_SOCKET the test listens on), socket activation (the listening
// socket systemd-socket-activate passes is served, and its file is left in place at exit), and
// SIGHUP reopening the audit log and the log file at their paths (logrotate without
// copytruncate).
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

#include "daemon_test_support.h"

namespace {

using taskhost::DaemonAnswer;
using taskhost_test::DaemonOptions;
using taskhost_test::DaemonUnderTest;
using taskhost_test::install_plugin_atomically;
using taskhost_test::parse_json;

constexpr const char* kSocketActivate = "/usr/bin/systemd-socket-activate";

// A unix datagram socket standing in for systemd's notification socket.
class NotifySocket {
  public:
    explicit NotifySocket(const std::string& path) : path_(path) {
        fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::snprintf(address.sun_path, sizeof address.sun_path, "%s", path.c_str());
        bound_ = ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
        const timeval wait{1, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
    }
    ~NotifySocket() { ::close(fd_); }
    bool bound() const { return bound_; }

    // Messages until one holds `text` (within `limit`); every message read, joined by "|".
    std::string read_until(const std::string& text, std::chrono::seconds limit) {
        std::string seen;
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < deadline) {
            char buffer[4096];
            const ssize_t got = ::recv(fd_, buffer, sizeof buffer, 0);
            if (got <= 0) {
                continue;
            }
            const std::string message(buffer, static_cast<size_t>(got));
            seen += message + "|";
            if (message.find(text) != std::string::npos) {
                break;
            }
        }
        return seen;
    }

  private:
    std::string path_;
    int fd_ = -1;
    bool bound_ = false;
};

TEST(DaemonSystemd, NotifiesReadyReloadingAndStoppingOnNotifySocket) {
    DaemonUnderTest daemon;
    install_plugin_atomically(daemon.plugin_dir(), "versioned_v1", "versioned.so");
    NotifySocket notify(daemon.root() + "/notify.sock");
    ASSERT_TRUE(notify.bound());
    DaemonOptions options;
    options.daemon_json = R"({"watch_plugin_dir": false})";
    options.env["NOTIFY_SOCKET"] = daemon.root() + "/notify.sock";
    ASSERT_TRUE(daemon.start(options)) << daemon.process().err();

    const std::string ready = notify.read_until("READY=1", std::chrono::seconds(10));
    EXPECT_NE(ready.find("READY=1"), std::string::npos) << ready;
    EXPECT_NE(ready.find("STATUS=serving: 1 plugins, 0 tasks in flight"), std::string::npos)
        << ready;
    // Ready means serving: the socket answers by now.
    EXPECT_EQ(daemon.get("/v1/health").http_status, 200);

    daemon.process().send_signal(SIGHUP);
    const std::string reload = notify.read_until("READY=1", std::chrono::seconds(10));
    EXPECT_NE(reload.find("RELOADING=1"), std::string::npos) << reload;
    EXPECT_LT(reload.find("RELOADING=1"), reload.find("READY=1")) << reload;

    daemon.process().send_signal(SIGTERM);
    const std::string stopping = notify.read_until("STOPPING=1", std::chrono::seconds(10));
    EXPECT_NE(stopping.find("STOPPING=1"), std::string::npos) << stopping;
    EXPECT_EQ(daemon.stop().exit_code, 0);
}

TEST(DaemonSystemd, ServesTheSocketPassedBySocketActivationAndLeavesItsFile) {
    if (::access(kSocketActivate, X_OK) != 0) {
        GTEST_SKIP() << kSocketActivate << " is missing (Debian's systemd package has it)";
    }
    DaemonUnderTest daemon;
    install_plugin_atomically(daemon.plugin_dir(), "versioned_v1", "versioned.so");
    // The configured socket is never created: the daemon serves the one systemd passes.
    daemon.write_config(R"({"watch_plugin_dir": false, "socket": ")" + daemon.root() +
                        R"(/unused.sock"})");
    const std::string passed = daemon.socket_path();
    taskhost_test::ProcessLaunch launch;
    launch.argv = {kSocketActivate,
                   "-l",
                   passed,
                   "-E",
                   "TASKHOST_TEST_KEY",
                   TASKHOST_BINARY,
                   "serve",
                   "--config",
                   daemon.config_path()};
    launch.env = {{"TASKHOST_TEST_KEY", taskhost_test::kCanaryKey}};
    launch.unset_env = {"TASKHOST_CONFIG"};
    taskhost_test::ChildProcess activator(launch);
    ASSERT_TRUE(activator.wait_for_stderr("Listening on", std::chrono::seconds(10)))
        << activator.err();

    // The first connection makes systemd-socket-activate start the daemon on the socket.
    const DaemonAnswer health = daemon.get("/v1/health");
    EXPECT_EQ(health.http_status, 200) << health.body << activator.err();
    EXPECT_TRUE(
        activator.wait_for_stderr("the socket systemd passed: " + passed, std::chrono::seconds(10)))
        << activator.err();
    EXPECT_EQ(daemon.get("/v1/plugins").http_status, 200);
    struct stat st {};
    EXPECT_NE(::lstat((daemon.root() + "/unused.sock").c_str(), &st), 0);

    activator.send_signal(SIGTERM);
    const taskhost_test::ProcessResult result = activator.finish(std::chrono::seconds(60));
    EXPECT_EQ(result.exit_code, 0) << result.err;
    // systemd's socket file: the daemon leaves it to systemd.
    ASSERT_EQ(::lstat(passed.c_str(), &st), 0) << result.err;
    EXPECT_TRUE(S_ISSOCK(st.st_mode));
}

// How many lines of `path` name task id `id`.
int lines_with(const std::string& path, const std::string& id) {
    std::ifstream in(path);
    int count = 0;
    for (std::string line; std::getline(in, line);) {
        count += line.find("\"id\":\"" + id + "\"") != std::string::npos ? 1 : 0;
    }
    return count;
}

// Whether `path` holds a line containing `text` within `limit`.
bool file_gets(const std::string& path, const std::string& text, std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (taskhost_test::read_file(path).find(text) == std::string::npos) {
        if (std::chrono::steady_clock::now() >= deadline) {
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
}

// logrotate without copytruncate: both files are moved away, SIGHUP makes the daemon open new
// ones at the paths, and every line lands in exactly one of the two generations.
TEST(DaemonLogRotation, SighupReopensTheAuditLogAndTheLogFileAtTheirPaths) {
    DaemonUnderTest daemon;
    install_plugin_atomically(daemon.plugin_dir(), "versioned_v1", "versioned.so");
    const std::string audit = daemon.root() + "/audit.log";
    const std::string log = daemon.root() + "/taskhost.log";
    daemon.write_config(R"({"watch_plugin_dir": false, "audit_log": ")" + audit + "\"}");
    taskhost_test::TaskhostProcess serve(
        {"serve", "--config", daemon.config_path(), "--log-file", log},
        {{"TASKHOST_TEST_KEY", taskhost_test::kCanaryKey}});
    ASSERT_TRUE(file_gets(log, "; ready", std::chrono::seconds(30))) << serve.err();
    const std::string task = R"({"task": "test.versioned", "params": {"label": "x"}, "id": ")";
    ASSERT_EQ(daemon.post_task(task + "before\"}").http_status, 200);

    ASSERT_EQ(std::rename(audit.c_str(), (audit + ".1").c_str()), 0);  // logrotate's moves
    ASSERT_EQ(std::rename(log.c_str(), (log + ".1").c_str()), 0);
    serve.send_signal(SIGHUP);
    ASSERT_TRUE(file_gets(log, "(sighup): ", std::chrono::seconds(10)))
        << taskhost_test::read_file(log + ".1");
    ASSERT_EQ(::access(audit.c_str(), F_OK), 0);
    ASSERT_EQ(daemon.post_task(task + "after\"}").http_status, 200);

    EXPECT_EQ(lines_with(audit + ".1", "before"), 1);
    EXPECT_EQ(lines_with(audit + ".1", "after"), 0);
    EXPECT_EQ(lines_with(audit, "after"), 1) << taskhost_test::read_file(audit);
    EXPECT_EQ(lines_with(audit, "before"), 0);
    struct stat st {};
    ASSERT_EQ(::stat(audit.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    ASSERT_EQ(::stat(log.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0640u);

    serve.send_signal(SIGTERM);
    const taskhost_test::ProcessResult result = serve.finish(std::chrono::seconds(60));
    EXPECT_EQ(result.exit_code, 0);
    // Every line went to a file, none to stderr: before the move in the old file, up to the
    // SIGHUP's own line; after the reopen in the new one, through the stop.
    EXPECT_EQ(result.err, "");
    const std::string old_lines = taskhost_test::read_file(log + ".1");
    const std::string new_lines = taskhost_test::read_file(log);
    EXPECT_NE(old_lines.find("; ready"), std::string::npos) << old_lines;
    EXPECT_NE(old_lines.find("SIGHUP: reopening the logs"), std::string::npos) << old_lines;
    EXPECT_EQ(old_lines.find("(sighup): "), std::string::npos) << old_lines;
    EXPECT_EQ(new_lines.find("; ready"), std::string::npos) << new_lines;
    EXPECT_NE(new_lines.find("SIGTERM: draining"), std::string::npos) << new_lines;
    EXPECT_NE(new_lines.find("taskhost: stopped"), std::string::npos) << new_lines;
}

}  // namespace
