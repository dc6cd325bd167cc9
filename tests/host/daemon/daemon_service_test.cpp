// The daemon as an operator's service (issue 11): GET /v1/health tells the truth (503 with the
// reasons when no plugin is loaded, a plugin was refused at start, or the last manifest apply
// failed; the version always), systemd's protocols (sd_notify readiness, reload and stop;
// socket activation through Debian's systemd-socket-activate), and SIGHUP reopening the audit
// log so logrotate needs no copytruncate.
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "daemon_test_support.h"

namespace {

using taskhost::DaemonAnswer;
using taskhost_test::DaemonOptions;
using taskhost_test::DaemonUnderTest;
using taskhost_test::install_plugin_atomically;
using taskhost_test::parse_json;

// The project version as `taskhost --version` prints it ("taskhost 0.1.0 (plugin ABI 1)").
std::string project_version() {
    const std::string out = taskhost_test::run_taskhost({"--version"}).out;
    const size_t start = out.find(' ') + 1;
    return out.substr(start, out.find(' ', start) - start);
}

// The reasons of a 503 health answer, joined by newlines.
std::string reasons_of(const DaemonAnswer& health) {
    std::string text;
    const auto reasons = parse_json(health.body)->getArray("reasons");
    for (size_t i = 0; reasons && i < reasons->size(); ++i) {
        text += reasons->getElement<std::string>(i) + "\n";
    }
    return text;
}

TEST(DaemonHealth, IsUnavailableWithNoPluginLoaded) {
    DaemonUnderTest daemon;
    ASSERT_TRUE(daemon.start()) << daemon.process().err();
    const DaemonAnswer health = daemon.get("/v1/health");
    EXPECT_EQ(health.http_status, 503) << health.body;
    EXPECT_EQ(parse_json(health.body)->getValue<std::string>("status"), "unavailable");
    EXPECT_NE(reasons_of(health).find("no plugin is loaded"), std::string::npos) << health.body;
    EXPECT_EQ(parse_json(health.body)->getValue<std::string>("version"), project_version());
    EXPECT_EQ(daemon.stop().exit_code, 0);
}

TEST(DaemonHealth, IsUnavailableWhileAPluginRefusedAtStartIsNotServing) {
    DaemonUnderTest daemon;
    install_plugin_atomically(daemon.plugin_dir(), "versioned_v1", "versioned.so");
    install_plugin_atomically(daemon.plugin_dir(), "abi_v2", "other.so");
    ASSERT_TRUE(daemon.start()) << daemon.process().err();
    DaemonAnswer health = daemon.get("/v1/health");
    EXPECT_EQ(health.http_status, 503) << health.body;
    EXPECT_NE(reasons_of(health).find("refused at start"), std::string::npos) << health.body;
    EXPECT_NE(reasons_of(health).find("other.so"), std::string::npos) << health.body;
    EXPECT_EQ(reasons_of(health).find("no plugin"), std::string::npos) << health.body;
    // The file fixed and reloaded: serving from it, so healthy again.
    install_plugin_atomically(daemon.plugin_dir(), "versioned_v1", "other.so");
    ASSERT_EQ(daemon.post("/v1/plugins/reload").http_status, 200);
    health = daemon.get("/v1/health");
    EXPECT_EQ(health.http_status, 200) << health.body;
    EXPECT_EQ(daemon.stop().exit_code, 0);
}

TEST(DaemonHealth, IsUnavailableWhenTheLastManifestApplyFailed) {
    DaemonUnderTest daemon;
    install_plugin_atomically(daemon.plugin_dir(), "versioned_v1", "versioned.so");
    taskhost_test::make_dir(daemon.root() + "/manifests");
    taskhost_test::write_file(daemon.root() + "/manifests/bad.json",
                              R"({"version": 1, "tasks": [{"name": "one", "task": "test.versioned",
                                  "account": "sandbox", "params": {"fail": true}}]})");
    DaemonOptions options;
    options.daemon_json = R"({"watch_plugin_dir": false, "manifests_dir": "manifests"})";
    ASSERT_TRUE(daemon.start(options)) << daemon.process().err();
    taskhost_test::wait_for_manifest_runs(daemon);
    const DaemonAnswer health = daemon.get("/v1/health");
    EXPECT_EQ(health.http_status, 503) << health.body;
    EXPECT_NE(reasons_of(health).find("bad.json: last apply failed"), std::string::npos)
        << health.body << "\n"
        << daemon.get("/v1/manifests").body;
    EXPECT_EQ(daemon.stop().exit_code, 0);
}

TEST(DaemonHealth, IsOkWithThePluginsServingAndNamesTheVersion) {
    DaemonUnderTest daemon;
    install_plugin_atomically(daemon.plugin_dir(), "versioned_v1", "versioned.so");
    ASSERT_TRUE(daemon.start()) << daemon.process().err();
    const DaemonAnswer health = daemon.get("/v1/health");
    EXPECT_EQ(health.http_status, 200) << health.body;
    EXPECT_EQ(parse_json(health.body)->getValue<std::string>("status"), "ok");
    EXPECT_FALSE(parse_json(health.body)->has("reasons")) << health.body;
    EXPECT_EQ(parse_json(health.body)->getValue<std::string>("version"), project_version());
    EXPECT_EQ(daemon.stop().exit_code, 0);
}

}  // namespace
