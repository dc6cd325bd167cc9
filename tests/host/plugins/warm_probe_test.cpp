// The warm probe (issue 12): the daemon probes changed plugin files through a long-lived probe
// server that forks one child per probe. A plugin that crashes, exits or hangs in its load or
// describe is still refused with the cold probe's reason, the server survives it and serves
// the next probe, a later good plugin loads, and nothing is left running afterwards.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "forked_call.h"
#include "host_test_support.h"
#include "plugins/plugin_library.h"

namespace taskhost {
namespace {

using taskhost_test::call_forked;
using taskhost_test::ForkedCall;
using taskhost_test::install_test_plugin;
using taskhost_test::make_dir;
using taskhost_test::TempDir;

int children_left() {
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, WNOHANG);
    return pid < 0 && errno == ECHILD ? 0 : 1;
}

// One load through `library`: "loaded NAME" or the refusal's problem; then whether the same
// server answered and still lives.
std::string load_line(PluginLibrary& library, const std::string& file, pid_t server) {
    const WarmProbe& warm = *library.probe_options().warm;
    const uint64_t served = warm.served();
    Result<std::shared_ptr<const PluginGeneration>> loaded = library.load(file);
    std::ostringstream out;
    out << (loaded.ok() ? "loaded " + loaded.value()->name() : loaded.error().problem)
        << " | served " << warm.served() - served << " | same server "
        << (server > 0 && warm.server_pid() == server && ::kill(server, 0) == 0) << " | "
        << library.last_probe_time().count() << " us\n";
    return out.str();
}

std::string probe_through_server(const std::string& plugins) {
    PluginProbeOptions options;
    options.timeout = std::chrono::milliseconds(1000);
    options.verdicts = nullptr;  // probe every load
    options.warm = std::make_shared<WarmProbe>();
    std::ostringstream out;
    {
        PluginLibrary library(options);
        out << "first " << load_line(library, plugins + "/echo_v1.so", -1);
        const pid_t server = options.warm->server_pid();
        out << "server " << (server > 0) << "\n";
        for (const char* bad : {"crash_describe", "exit_describe", "abort_on_load", "hang_describe",
                                "hang_on_load"}) {
            out << bad << ": " << load_line(library, plugins + "/" + bad + ".so", server);
        }
        out << "good: " << load_line(library, plugins + "/echo_v2.so", server);
        out << "started " << options.warm->started() << "\n";
    }
    options.warm.reset();  // the last holder: the server is stopped and reaped
    out << "children " << children_left();
    return out.str();
}

TEST(WarmProbe, RefusesMisbehavingPluginsSurvivesThemAndLoadsALaterGoodOne) {
    TempDir dir;
    ::chmod(dir.path().c_str(), 0755);
    const std::string plugins = dir / "plugins";
    make_dir(plugins, 0755);
    for (const char* name : {"echo_v1", "echo_v2", "crash_describe", "exit_describe",
                             "abort_on_load", "hang_describe", "hang_on_load"}) {
        install_test_plugin(plugins, name);
    }
    const ForkedCall call = call_forked([&plugins] { return probe_through_server(plugins); },
                                        std::chrono::milliseconds(30000));
    ASSERT_TRUE(call.exited_cleanly()) << call.describe();
    const std::string& out = call.output;
    std::printf("[ warm     ] %s\n", out.c_str());
    EXPECT_NE(out.find("first loaded echo_v1 | served 0"), std::string::npos) << out;
    EXPECT_NE(out.find("server 1\n"), std::string::npos) << out;
    EXPECT_NE(out.find("crash_describe: plugin_describe crashed the probe with signal 11 "
                       "(Segmentation fault) | served 1 | same server 1"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("exit_describe: plugin_describe ended the probe with exit status 3 (it "
                       "called exit) | served 1 | same server 1"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("abort_on_load: loading it crashed the probe with signal 6 (Aborted) | "
                       "served 1 | same server 1"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("hang_describe: plugin_describe did not return within 1000 ms, so the "
                       "probe was killed | served 1 | same server 1"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("hang_on_load: loading it did not finish within 1000 ms, so the probe was "
                       "killed | served 1 | same server 1"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("good: loaded echo_v1 | served 1 | same server 1"), std::string::npos)
        << out;
    EXPECT_NE(out.find("started 1\n"), std::string::npos) << out;
    EXPECT_NE(out.find("children 0"), std::string::npos) << out;
}

// The children of `parent` still running (not zombies), from /proc.
std::vector<pid_t> live_children_of(pid_t parent) {
    std::vector<pid_t> children;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        const std::string name = entry.path().filename();
        if (name.find_first_not_of("0123456789") != std::string::npos) {
            continue;
        }
        std::ifstream stat(entry.path() / "stat");
        std::string line;
        std::getline(stat, line);
        const size_t close = line.rfind(')');
        if (close == std::string::npos) {
            continue;
        }
        std::istringstream rest(line.substr(close + 2));
        char state = 0;
        pid_t ppid = 0;
        rest >> state >> ppid;
        if (ppid == parent && state != 'Z') {
            children.push_back(static_cast<pid_t>(std::stoi(name)));
        }
    }
    return children;
}

// The server forks the next probe's child ahead and hands it the next file; when that child is
// gone (killed here), the server forks one at the request instead and the probe still answers.
std::string probe_after_killing_the_spare(const std::string& plugins) {
    PluginProbeOptions options;
    options.timeout = std::chrono::milliseconds(1000);
    options.verdicts = nullptr;
    options.warm = std::make_shared<WarmProbe>();
    std::ostringstream out;
    {
        PluginLibrary library(options);
        out << "first " << load_line(library, plugins + "/echo_v1.so", -1);
        const pid_t server = options.warm->server_pid();
        const auto found_spares = [server] {
            for (int i = 0; i < 200; ++i) {  // forked right after the answer: wait for it
                const std::vector<pid_t> spares = live_children_of(server);
                if (!spares.empty()) {
                    return spares;
                }
                ::usleep(5000);
            }
            return std::vector<pid_t>();
        };
        const std::vector<pid_t> spares = found_spares();
        out << "spares " << spares.size() << "\n";
        for (const pid_t spare : spares) {
            ::kill(spare, SIGKILL);
        }
        out << "after the kill: " << load_line(library, plugins + "/echo_v2.so", server);
        out << "next spare " << found_spares().size() << "\n";
        out << "again: " << load_line(library, plugins + "/echo_v2.so", server);
    }
    options.warm.reset();
    out << "children " << children_left();
    return out.str();
}

TEST(WarmProbe, AGoneSpareChildIsReplacedAndTheProbeStillAnswers) {
    TempDir dir;
    ::chmod(dir.path().c_str(), 0755);
    const std::string plugins = dir / "plugins";
    make_dir(plugins, 0755);
    for (const char* name : {"echo_v1", "echo_v2"}) {
        install_test_plugin(plugins, name);
    }
    const ForkedCall call =
        call_forked([&plugins] { return probe_after_killing_the_spare(plugins); },
                    std::chrono::milliseconds(30000));
    ASSERT_TRUE(call.exited_cleanly()) << call.describe();
    const std::string& out = call.output;
    std::printf("[ spare    ] %s\n", out.c_str());
    EXPECT_NE(out.find("spares 1\n"), std::string::npos) << out;
    EXPECT_NE(out.find("after the kill: loaded echo_v1 | served 1 | same server 1"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("next spare 1\n"), std::string::npos) << out;
    EXPECT_NE(out.find("again: loaded echo_v1 | served 1 | same server 1"), std::string::npos)
        << out;
    EXPECT_NE(out.find("children 0"), std::string::npos) << out;
}

}  // namespace
}  // namespace taskhost
