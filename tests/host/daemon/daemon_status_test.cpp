// `taskhost status` against a running daemon: health with every reason, the plugins serving
// and refused, tasks in flight, the last manifest runs; --json; exit 0 healthy, 1 not, 2 when
// nothing answers on the socket, or something accepts and never answers (--timeout).
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <thread>

#include "daemon_test_support.h"

namespace {

using taskhost_test::DaemonOptions;
using taskhost_test::DaemonUnderTest;
using taskhost_test::install_plugin_atomically;
using taskhost_test::parse_json;

TEST(StatusCommand, PrintsHealthPluginsTasksAndManifestRunsOfAHealthyDaemon) {
    DaemonUnderTest daemon;
    install_plugin_atomically(daemon.plugin_dir(), "versioned_v1", "versioned.so");
    taskhost_test::make_dir(daemon.root() + "/manifests");
    taskhost_test::write_file(daemon.root() + "/manifests/ok.json",
                              R"({"version": 1, "tasks": [{"name": "one", "task": "test.versioned",
                                  "account": "sandbox", "params": {"label": "s"}}]})");
    DaemonOptions options;
    options.daemon_json = R"({"watch_plugin_dir": false, "manifests_dir": "manifests"})";
    ASSERT_TRUE(daemon.start(options)) << daemon.process().err();
    taskhost_test::wait_for_manifest_runs(daemon);

    const taskhost_test::ProcessResult text =
        taskhost_test::run_taskhost({"status", "--socket", daemon.socket_path()});
    EXPECT_EQ(text.exit_code, 0) << text.out << text.err;
    EXPECT_NE(text.out.find("health: ok (taskhost "), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("in flight: 0 running, 0 queued"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("plugins: 1 serving, 0 refused\n  versioned 1.0.0 (generation "),
              std::string::npos)
        << text.out;
    EXPECT_NE(text.out.find("manifests: " + daemon.root() + "/manifests, 1 runs, last at 20"),
              std::string::npos)
        << text.out;
    EXPECT_NE(text.out.find("ok.json: apply at "), std::string::npos) << text.out;

    const taskhost_test::ProcessResult json =
        taskhost_test::run_taskhost({"status", "--socket", daemon.socket_path(), "--json"});
    EXPECT_EQ(json.exit_code, 0) << json.err;
    const auto all = parse_json(json.out);
    EXPECT_EQ(all->getObject("health")->getValue<std::string>("status"), "ok");
    EXPECT_EQ(all->getObject("plugins")->getArray("plugins")->size(), 1u);
    EXPECT_EQ(all->getObject("manifests")->getValue<int>("runs"), 1);
    EXPECT_EQ(daemon.stop().exit_code, 0);
}

TEST(StatusCommand, ExitsOneAndListsTheReasonsOfAnUnhealthyDaemon) {
    DaemonUnderTest daemon;
    install_plugin_atomically(daemon.plugin_dir(), "abi_v2", "bad.so");
    ASSERT_TRUE(daemon.start()) << daemon.process().err();
    const taskhost_test::ProcessResult text =
        taskhost_test::run_taskhost({"status", "--socket", daemon.socket_path()});
    EXPECT_EQ(text.exit_code, 1) << text.out << text.err;
    EXPECT_NE(text.out.find("health: unavailable"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("  - no plugin is loaded"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("  - plugin refused at start: "), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("plugins: 0 serving, 1 refused"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("manifests: not watched"), std::string::npos) << text.out;
    const taskhost_test::ProcessResult json =
        taskhost_test::run_taskhost({"status", "--socket", daemon.socket_path(), "--json"});
    EXPECT_EQ(json.exit_code, 1);
    EXPECT_TRUE(parse_json(json.out)->isNull("manifests")) << json.out;
    EXPECT_EQ(daemon.stop().exit_code, 0);
}

TEST(StatusCommand, ExitsTwoWhenNoDaemonAnswers) {
    DaemonUnderTest daemon;  // never started: nothing on its socket
    const taskhost_test::ProcessResult result =
        taskhost_test::run_taskhost({"status", "--socket", daemon.socket_path()});
    EXPECT_EQ(result.exit_code, 2) << result.out;
    EXPECT_NE(result.err.find(daemon.socket_path()), std::string::npos) << result.err;
}

// A listener on `path` that the kernel accepts on and nobody reads or writes; -1 on failure.
int silent_listener(const std::string& path) {
    const int listener = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un address {};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
    if (listener < 0 ||
        ::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listener, 8) != 0) {
        return -1;
    }
    return listener;
}

// `command --socket SOCKET --timeout 1` gives up with exit code 2 and says why and what to check;
// --timeout 0 is refused.
void expect_gives_up_on_silence(const std::string& command, const std::string& socket) {
    const auto started = std::chrono::steady_clock::now();
    const taskhost_test::ProcessResult result =
        taskhost_test::run_taskhost({command, "--socket", socket, "--timeout", "1"});
    const auto waited = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(result.exit_code, 2) << command << ": " << result.out << result.err;
    EXPECT_NE(result.err.find("gave no answer within 1 s"), std::string::npos)
        << command << ": " << result.err;
    EXPECT_NE(result.err.find("systemctl status taskhost"), std::string::npos)
        << command << ": " << result.err;
    EXPECT_LT(waited, std::chrono::seconds(30)) << command << " waited far past --timeout";

    const taskhost_test::ProcessResult refused =
        taskhost_test::run_taskhost({command, "--socket", socket, "--timeout", "0"});
    EXPECT_EQ(refused.exit_code, 2) << command;
    EXPECT_NE(refused.err.find("--timeout"), std::string::npos) << command << refused.err;
    // Every command's --timeout takes the same range: up to a day.
    const taskhost_test::ProcessResult too_long =
        taskhost_test::run_taskhost({command, "--socket", socket, "--timeout", "86401"});
    EXPECT_EQ(too_long.exit_code, 2) << command;
    EXPECT_NE(too_long.err.find("from 1 to 86400"), std::string::npos) << command << too_long.err;
}

// What a socket-activated service that cannot start looks like to a client (found on a fresh
// Debian, issue 11): systemd holds the socket, accepts the connection and nothing ever answers.
TEST(StatusCommand, ExitsTwoWhenTheSocketAcceptsButNothingAnswersWithinTheTimeout) {
    DaemonUnderTest daemon;  // never started: the test listens on its socket path itself
    const int listener = silent_listener(daemon.socket_path());
    ASSERT_GE(listener, 0);
    expect_gives_up_on_silence("status", daemon.socket_path());
    ::close(listener);
}

// The other commands that ask the daemon about itself do the same within their --timeout
// instead of the day a task's answer may take: reload (default 300 s), plugins and history
// (default 30 s) with --socket.
TEST(AdminCommands, ExitTwoWhenTheSocketAcceptsButNothingAnswersWithinTheTimeout) {
    DaemonUnderTest daemon;
    const int listener = silent_listener(daemon.socket_path());
    ASSERT_GE(listener, 0);
    for (const char* command : {"reload", "plugins", "history"}) {
        expect_gives_up_on_silence(command, daemon.socket_path());
    }
    ::close(listener);
}

}  // namespace
