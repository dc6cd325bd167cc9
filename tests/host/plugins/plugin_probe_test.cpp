// The plugin probe (issue 9, High 1): a new plugin file is loaded and described first in a
// short-lived child (taskhost-plugin-probe) with a time limit, so a plugin whose load or
// plugin_describe crashes, exits or never returns is refused with the reason while the host
// lives on, and no child is left behind. Each load runs in a forked child of the test (killed
// after a limit), so before the probe existed the test failed instead of hanging or dying.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <sstream>
#include <thread>

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

constexpr std::chrono::milliseconds kProbeLimit(1000);
constexpr std::chrono::milliseconds kMargin(1500);
constexpr std::chrono::milliseconds kForkedLimit(kProbeLimit + kMargin + kMargin);

PluginLibrary library_with_limit(std::chrono::milliseconds limit) {
    PluginProbeOptions options;
    options.timeout = limit;
    return PluginLibrary(options);
}

// How many children the calling process still has (alive or not reaped): 0 when none.
int children_left() {
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, WNOHANG);
    return pid < 0 && errno == ECHILD ? 0 : 1;
}

// PluginLibrary::load of `file` in a forked child: "loaded NAME" or "refused WHERE|PROBLEM|FIX",
// then "\nchildren N" (the probe processes the load left behind).
ForkedCall load_forked(const std::string& file) {
    return call_forked(
        [&file] {
            PluginLibrary library = library_with_limit(kProbeLimit);
            Result<std::shared_ptr<const PluginGeneration>> loaded = library.load(file);
            std::ostringstream out;
            if (loaded.ok()) {
                out << "loaded " << loaded.value()->name();
            } else {
                out << "refused " << loaded.error().where << "|" << loaded.error().problem << "|"
                    << loaded.error().fix;
            }
            out << "\nchildren " << children_left();
            return out.str();
        },
        kForkedLimit);
}

struct Misbehaviour {
    std::string plugin;
    std::string problem;  // what the refusal must say
};

void PrintTo(const Misbehaviour& bad, std::ostream* out) {
    *out << bad.plugin;
}

class PluginProbe : public ::testing::TestWithParam<Misbehaviour> {
  protected:
    PluginProbe() {
        ::chmod(dir_.path().c_str(), 0755);
        make_dir(plugins(), 0755);
    }
    std::string plugins() const { return dir_ / "plugins"; }

    TempDir dir_;
};

TEST_P(PluginProbe, RefusesWithinTheLimitWithTheReasonAndLeavesNoChild) {
    const Misbehaviour& bad = GetParam();
    install_test_plugin(plugins(), bad.plugin);
    const std::string file = plugins() + "/" + bad.plugin + ".so";

    const ForkedCall call = load_forked(file);
    ASSERT_TRUE(call.exited_cleanly()) << "loading " << bad.plugin << " " << call.describe();
    EXPECT_LT(call.took, kProbeLimit + kMargin) << call.took.count() << " ms";
    EXPECT_EQ(call.output.rfind("refused plugin file " + file + "|", 0), 0u) << call.output;
    EXPECT_NE(call.output.find(bad.problem), std::string::npos) << call.output;
    EXPECT_NE(call.output.find("taskhost-plugin-probe"), std::string::npos) << "the fix";
    EXPECT_NE(call.output.find("\nchildren 0"), std::string::npos) << call.output;
    std::printf("[ probe    ] %s refused after %lld ms: %s\n", bad.plugin.c_str(),
                static_cast<long long>(call.took.count()), call.output.c_str());
}

INSTANTIATE_TEST_SUITE_P(
    EachMisbehaviour, PluginProbe,
    ::testing::Values(
        Misbehaviour{"hang_describe", "plugin_describe did not return within 1000 ms"},
        Misbehaviour{"crash_describe",
                     "plugin_describe crashed the probe with signal 11 (Segmentation fault)"},
        Misbehaviour{"exit_describe", "plugin_describe ended the probe with exit status 3"},
        Misbehaviour{"abort_on_load", "loading it crashed the probe with signal 6 (Aborted)"},
        Misbehaviour{"hang_on_load", "loading it did not finish within 1000 ms"}),
    [](const ::testing::TestParamInfo<Misbehaviour>& info) { return info.param.plugin; });

class PluginProbeRuns : public PluginProbe {};

TEST_F(PluginProbeRuns, AGoodPluginLoadsAndTheProbeTimeIsReported) {
    install_test_plugin(plugins(), "echo_v1");
    PluginLibrary library;  // the defaults: what the daemon and every command use
    const auto started = std::chrono::steady_clock::now();
    Result<std::shared_ptr<const PluginGeneration>> loaded =
        library.load(plugins() + "/echo_v1.so");
    const auto took = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - started);
    ASSERT_TRUE(loaded.ok()) << loaded.error().text();
    EXPECT_EQ(loaded.value()->name(), "echo_v1");
    EXPECT_GT(library.last_probe_time().count(), 0);
    EXPECT_EQ(children_left(), 0);
    std::printf("[ probe    ] echo_v1: the probe took %lld us of a %lld us load\n",
                static_cast<long long>(library.last_probe_time().count()),
                static_cast<long long>(took.count()));
    RecordProperty("probe_us", std::to_string(library.last_probe_time().count()));
}

TEST_F(PluginProbeRuns, AnUnchangedFileKeepsItsGenerationWithoutAProbe) {
    install_test_plugin(plugins(), "echo_v1");
    PluginLibrary library;
    Result<std::shared_ptr<const PluginGeneration>> first = library.load(plugins() + "/echo_v1.so");
    ASSERT_TRUE(first.ok()) << first.error().text();
    PluginProbeOptions nowhere;
    nowhere.program = dir_ / "no-such-probe";  // a probe now would refuse the file
    library.set_probe_options(nowhere);
    Result<std::shared_ptr<const PluginGeneration>> again =
        library.load(plugins() + "/echo_v1.so", first.value());
    ASSERT_TRUE(again.ok()) << again.error().text();
    EXPECT_EQ(again.value(), first.value());

    install_test_plugin(plugins(), "echo_v2", "echo_v1.so");  // new bytes: probed, refused
    Result<std::shared_ptr<const PluginGeneration>> changed =
        library.load(plugins() + "/echo_v1.so", first.value());
    ASSERT_FALSE(changed.ok());
    EXPECT_NE(changed.error().text().find("taskhost-plugin-probe"), std::string::npos)
        << changed.error().text();
}

TEST_F(PluginProbeRuns, AMissingProbeProgramRefusesWithWhereItLookedAndTheFix) {
    install_test_plugin(plugins(), "echo_v1");
    PluginProbeOptions options;
    options.program = dir_ / "no-such-probe";
    PluginLibrary library(options);
    Result<std::shared_ptr<const PluginGeneration>> loaded =
        library.load(plugins() + "/echo_v1.so");
    ASSERT_FALSE(loaded.ok());
    const std::string text = loaded.error().text();
    EXPECT_NE(text.find("was not found (looked at: " + dir_ / "no-such-probe" + ")"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("next to the taskhost binary"), std::string::npos) << text;
}

TEST_F(PluginProbeRuns, AProbeOthersCanWriteIsNotRun) {
    install_test_plugin(plugins(), "echo_v1");
    const std::string probe = dir_ / "taskhost-plugin-probe";
    taskhost_test::write_file(probe, "#!/bin/sh\nexit 0\n", 0777);
    ::chmod(probe.c_str(), 0777);
    PluginProbeOptions options;
    options.program = probe;
    PluginLibrary library(options);
    Result<std::shared_ptr<const PluginGeneration>> loaded =
        library.load(plugins() + "/echo_v1.so");
    ASSERT_FALSE(loaded.ok());
    EXPECT_NE(loaded.error().text().find("writable by"), std::string::npos)
        << loaded.error().text();
}

TEST_F(PluginProbeRuns, ACancelledProbeIsKilledAtOnce) {
    install_test_plugin(plugins(), "hang_describe");
    const std::string file = plugins() + "/hang_describe.so";
    const ForkedCall call = call_forked(
        [&file] {
            PluginProbeOptions options;
            options.timeout = std::chrono::seconds(30);
            PluginLibrary library(options);
            std::thread canceller([cancel = options.cancel] {
                std::this_thread::sleep_for(std::chrono::milliseconds(300));
                cancel.cancel();
            });
            Result<std::shared_ptr<const PluginGeneration>> loaded = library.load(file);
            canceller.join();
            return (loaded.ok() ? std::string("loaded") : loaded.error().problem) + "\nchildren " +
                   std::to_string(children_left());
        },
        kForkedLimit);
    ASSERT_TRUE(call.exited_cleanly()) << call.describe();
    EXPECT_LT(call.took, std::chrono::milliseconds(1500)) << call.took.count() << " ms";
    EXPECT_NE(call.output.find("the host is stopping"), std::string::npos) << call.output;
    EXPECT_NE(call.output.find("\nchildren 0"), std::string::npos) << call.output;
}

}  // namespace
}  // namespace taskhost
