// PluginReload: the daemon's hot reload on a real process with real dlopen. A changed file is
// a new generation; an unchanged one keeps its generation; a file the loader refuses (another
// ABI, a missing symbol, a describe that is not JSON, a file or directory others can write)
// leaves the old generation serving and says why; a removed file stops new tasks for it.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <Poco/JSON/Array.h>

#include <dirent.h>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <future>
#include <set>
#include <thread>

#include "daemon/daemon_log.h"
#include "daemon/plugin_registry.h"
#include "daemon/plugin_reloader.h"
#include "daemon_test_support.h"

namespace taskhost {
namespace {

using Poco::JSON::Object;
using taskhost_test::DaemonOptions;
using taskhost_test::DaemonServingVersioned;
using taskhost_test::DaemonUnderTest;
using taskhost_test::install_plugin_atomically;
using taskhost_test::parse_json;

Object::Ptr report_for(const Object::Ptr& report, const std::string& file_name) {
    const auto list = report->getArray("plugins");
    for (size_t i = 0; i < list->size(); ++i) {
        const auto entry = list->getObject(static_cast<unsigned>(i));
        const std::string file = entry->getValue<std::string>("file");
        if (file.size() >= file_name.size() &&
            file.compare(file.size() - file_name.size(), file_name.size(), file_name) == 0) {
            return entry;
        }
    }
    return nullptr;
}

class PluginReload : public DaemonServingVersioned {
  protected:
    Object::Ptr reload() {
        const DaemonAnswer answer = daemon_.post("/v1/plugins/reload");
        EXPECT_EQ(answer.http_status, 200) << answer.body;
        return parse_json(answer.body);
    }
    std::string served_version() {
        const DaemonAnswer answer = daemon_.post_task(R"({"task": "test.versioned"})");
        EXPECT_EQ(answer.http_status, 200) << answer.body;
        return parse_json(answer.body)->getValue<std::string>("plugin_version");
    }
    std::string plugin_file() const { return daemon_.plugin_dir() + "/versioned.so"; }
};

TEST_F(PluginReload, ApiReloadAnswersWhatHappenedToEachPlugin) {
    const Object::Ptr same = reload();
    EXPECT_TRUE(same->getValue<bool>("ok"));
    const Object::Ptr unchanged = report_for(same, "/versioned.so");
    ASSERT_FALSE(unchanged.isNull()) << same;
    EXPECT_EQ(unchanged->getValue<std::string>("result"), "unchanged");
    const int first_generation = unchanged->getValue<int>("generation");

    install_plugin_atomically(daemon_.plugin_dir(), "versioned_v2", "versioned.so");
    const Object::Ptr swapped = reload();
    const Object::Ptr loaded = report_for(swapped, "/versioned.so");
    EXPECT_EQ(loaded->getValue<std::string>("result"), "loaded");
    EXPECT_EQ(loaded->getValue<std::string>("version"), "2.0.0");
    EXPECT_EQ(loaded->getValue<std::string>("sha256").size(), 64u);
    EXPECT_NE(loaded->getValue<std::string>("sha256"), unchanged->getValue<std::string>("sha256"));
    EXPECT_GT(loaded->getValue<int>("generation"), first_generation);
    EXPECT_EQ(swapped->getArray("triggers")->getElement<std::string>(0), "api");
    EXPECT_EQ(served_version(), "2.0.0");
}

TEST_F(PluginReload, EachRefusedPluginLeavesTheOldOneServing) {
    const std::vector<std::pair<std::string, std::string>> refused{
        {"abi_v2", "plugin reports ABI 2, this taskhost speaks ABI 1"},
        {"missing_execute", "does not export plugin_execute"},
        {"bad_describe", "not valid JSON"},
    };
    for (const auto& plugin : refused) {
        install_plugin_atomically(daemon_.plugin_dir(), plugin.first, "versioned.so");
        const Object::Ptr report = reload();
        EXPECT_FALSE(report->getValue<bool>("ok")) << plugin.first;
        const Object::Ptr entry = report_for(report, "/versioned.so");
        ASSERT_FALSE(entry.isNull());
        EXPECT_EQ(entry->getValue<std::string>("result"), "refused") << plugin.first;
        EXPECT_TRUE(entry->getValue<bool>("still_serving"));
        EXPECT_EQ(entry->getValue<std::string>("version"), "1.0.0");
        EXPECT_NE(entry->getObject("error")->getValue<std::string>("msg").find(plugin.second),
                  std::string::npos)
            << entry->getObject("error")->getValue<std::string>("msg");
        EXPECT_EQ(served_version(), "1.0.0") << "after refusing " << plugin.first;

        // GET /v1/plugins shows the refusal beside the generation that kept serving.
        const auto listing = parse_json(daemon_.get("/v1/plugins").body);
        const auto served = listing->getArray("plugins")->getObject(0);
        EXPECT_EQ(served->getValue<std::string>("version"), "1.0.0");
        EXPECT_NE(served->getValue<std::string>("last_reload_error").find(plugin.second),
                  std::string::npos);
    }
    // A good file again: loaded, and the refusal is gone.
    install_plugin_atomically(daemon_.plugin_dir(), "versioned_v2", "versioned.so");
    EXPECT_TRUE(reload()->getValue<bool>("ok"));
    const auto listing = parse_json(daemon_.get("/v1/plugins").body);
    EXPECT_TRUE(listing->getArray("plugins")->getObject(0)->isNull("last_reload_error"));
    EXPECT_EQ(served_version(), "2.0.0");
}

TEST_F(PluginReload, FileOrDirectoryWritableByOthersIsRefusedAndTheOldOneKeepsServing) {
    install_plugin_atomically(daemon_.plugin_dir(), "versioned_v2", "versioned.so");
    ::chmod(plugin_file().c_str(), 0775);  // group-writable: anyone in it could run code as us
    const Object::Ptr entry = report_for(reload(), "/versioned.so");
    EXPECT_EQ(entry->getValue<std::string>("result"), "refused");
    EXPECT_NE(entry->getObject("error")->getValue<std::string>("msg").find("writable by its group"),
              std::string::npos)
        << entry->getObject("error")->getValue<std::string>("msg");
    EXPECT_EQ(served_version(), "1.0.0");

    ::chmod(plugin_file().c_str(), 0755);
    ::chmod(daemon_.plugin_dir().c_str(), 0777);
    const Object::Ptr report = reload();
    EXPECT_FALSE(report->getValue<bool>("ok"));
    EXPECT_NE(report->getObject("error")->getValue<std::string>("msg").find("writable by others"),
              std::string::npos)
        << report;
    EXPECT_EQ(served_version(), "1.0.0") << "an untrusted directory changes nothing";

    ::chmod(daemon_.plugin_dir().c_str(), 0755);
    EXPECT_TRUE(reload()->getValue<bool>("ok"));
    EXPECT_EQ(served_version(), "2.0.0");
}

TEST_F(PluginReload, RemovedPluginTakesNoNewTasks) {
    ASSERT_EQ(std::remove(plugin_file().c_str()), 0);
    const Object::Ptr entry = report_for(reload(), "/versioned.so");
    ASSERT_FALSE(entry.isNull());
    EXPECT_EQ(entry->getValue<std::string>("result"), "removed");
    const DaemonAnswer answer = daemon_.post_task(R"({"task": "test.versioned"})");
    EXPECT_EQ(answer.http_status, 400);
    EXPECT_NE(answer.body.find("is not offered by any loaded plugin"), std::string::npos);
}

TEST_F(PluginReload, SighupReloads) {
    install_plugin_atomically(daemon_.plugin_dir(), "versioned_v2", "versioned.so");
    daemon_.process().send_signal(SIGHUP);
    ASSERT_TRUE(daemon_.process().wait_for_stderr("(sighup): loaded", std::chrono::seconds(30)));
    EXPECT_EQ(served_version(), "2.0.0");
}

// A plugin whose plugin_describe never returns (issue 9, High 1): the daemon probes a new file
// in a short-lived child with a time limit (5000 ms unless configured), so the reload answers
// the refusal within the limit, the old generation keeps serving, no probe is left behind, and
// SIGTERM stops the daemon. Before the probe, the reload hung for good and so did SIGTERM.
constexpr std::chrono::milliseconds kProbeLimit(1500);  // daemon.plugin_probe_timeout_ms below
constexpr std::chrono::milliseconds kMargin(3000);
using Clock = std::chrono::steady_clock;

long long ms_since(Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

// Probe processes of the daemon `daemon_pid` still alive (their argv names its private copy
// "PID-N-versioned.so").
int probes_of(pid_t daemon_pid) {
    int found = 0;
    DIR* proc = ::opendir("/proc");
    for (dirent* entry = proc ? ::readdir(proc) : nullptr; entry; entry = ::readdir(proc)) {
        std::ifstream in(std::string("/proc/") + entry->d_name + "/cmdline");
        std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (cmdline.find("taskhost-plugin-probe") != std::string::npos &&
            cmdline.find("/" + std::to_string(daemon_pid) + "-") != std::string::npos) {
            ++found;
        }
    }
    if (proc != nullptr) {
        ::closedir(proc);
    }
    return found;
}

// The POST in a thread of its own, so a reload that never answers fails the test, not hangs it.
std::shared_future<DaemonAnswer> post_in_background(const taskhost::DaemonClient& client,
                                                    const std::string& path) {
    auto answer = std::make_shared<std::promise<DaemonAnswer>>();
    std::shared_future<DaemonAnswer> future = answer->get_future().share();
    std::thread([client, path, answer] {
        Result<DaemonAnswer> got = client.request("POST", path);
        answer->set_value(got.ok() ? got.value() : DaemonAnswer{});
    }).detach();
    return future;
}

class PluginProbeInDaemon : public ::testing::Test {
  protected:
    void SetUp() override {
        install_plugin_atomically(daemon_.plugin_dir(), "versioned_v1", "versioned.so");
        DaemonOptions options;
        options.daemon_json = R"({"watch_plugin_dir": true, "plugin_probe_timeout_ms": 1500})";
        ASSERT_TRUE(daemon_.start(options));
    }
    std::string served_version() {
        const DaemonAnswer answer = daemon_.post_task(R"({"task": "test.versioned"})");
        EXPECT_EQ(answer.http_status, 200) << answer.body;
        return answer.http_status == 200
                   ? parse_json(answer.body)->getValue<std::string>("plugin_version")
                   : "";
    }

    DaemonUnderTest daemon_;
};

TEST_F(PluginProbeInDaemon, HangingDescribeIsRefusedWithinTheLimitAndTheOldGenerationServes) {
    const pid_t pid = daemon_.process().pid();
    // The watch sees the rename and reloads: refused within the limit.
    auto started = Clock::now();
    install_plugin_atomically(daemon_.plugin_dir(), "hang_describe", "versioned.so");
    EXPECT_TRUE(daemon_.process().wait_for_stderr("(watch): refused", kProbeLimit + kMargin))
        << daemon_.process().err();
    std::printf("[ probe    ] watch reload refused after %lld ms\n", ms_since(started));
    EXPECT_NE(daemon_.process().err().find("plugin_describe did not return within 1500 ms"),
              std::string::npos)
        << daemon_.process().err();
    EXPECT_EQ(served_version(), "1.0.0");

    // POST /v1/plugins/reload answers the refusal within the limit too.
    started = Clock::now();
    std::shared_future<DaemonAnswer> reload =
        post_in_background(daemon_.client(), "/v1/plugins/reload");
    ASSERT_EQ(reload.wait_for(kProbeLimit + kMargin), std::future_status::ready)
        << "the reload did not answer within " << (kProbeLimit + kMargin).count() << " ms";
    std::printf("[ probe    ] API reload answered after %lld ms\n", ms_since(started));
    ASSERT_EQ(reload.get().http_status, 200) << reload.get().body;
    const Object::Ptr entry = report_for(parse_json(reload.get().body), "/versioned.so");
    ASSERT_FALSE(entry.isNull()) << reload.get().body;
    EXPECT_EQ(entry->getValue<std::string>("result"), "refused");
    EXPECT_TRUE(entry->getValue<bool>("still_serving"));
    EXPECT_NE(entry->getObject("error")->getValue<std::string>("msg").find(
                  "plugin_describe did not return within 1500 ms"),
              std::string::npos)
        << reload.get().body;
    EXPECT_EQ(served_version(), "1.0.0");
    EXPECT_EQ(probes_of(pid), 0) << "a probe was left behind";

    started = Clock::now();
    EXPECT_EQ(daemon_.stop().exit_code, 0);
    EXPECT_LT(ms_since(started), kMargin.count()) << "SIGTERM after the refusal";
    EXPECT_EQ(probes_of(pid), 0) << "a probe was left behind";
}

TEST_F(PluginProbeInDaemon, SigtermWhileAProbeHangsStopsTheDaemonWithinTheLimit) {
    const pid_t pid = daemon_.process().pid();
    install_plugin_atomically(daemon_.plugin_dir(), "hang_describe", "versioned.so");
    std::shared_future<DaemonAnswer> reload =
        post_in_background(daemon_.client(), "/v1/plugins/reload");
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the probe hangs by now
    const auto started = Clock::now();
    EXPECT_EQ(daemon_.stop().exit_code, 0);
    EXPECT_LT(ms_since(started), (kProbeLimit + kMargin).count()) << "SIGTERM during a probe";
    std::printf("[ probe    ] SIGTERM during a hanging probe: exited after %lld ms\n",
                ms_since(started));
    EXPECT_EQ(probes_of(pid), 0) << "a probe was left behind";
}

// The reloader in-process: triggers given at once are answered by few reloads, and each trigger
// by exactly one, which names it.
TEST(PluginReloader, TriggersThatArriveTogetherShareOneOrderlyReload) {
    DaemonUnderTest dir;  // only its plugin directory
    install_plugin_atomically(dir.plugin_dir(), "versioned_v1", "versioned.so");
    std::ostringstream sink;
    DaemonLog log(sink);
    PluginRegistry registry;
    PluginReloader reloader(dir.plugin_dir(), registry, log);
    std::vector<std::shared_future<std::shared_ptr<const ReloadReport>>> answers;
    constexpr int kTriggers = 20;
    for (int i = 0; i < kTriggers; ++i) {
        answers.push_back(reloader.request("t" + std::to_string(i)));
    }
    std::map<uint64_t, std::vector<std::string>> by_reload;
    for (int i = 0; i < kTriggers; ++i) {
        const std::shared_ptr<const ReloadReport> report = answers[i].get();
        ASSERT_NE(report, nullptr);
        const auto& triggers = report->triggers;
        EXPECT_NE(std::find(triggers.begin(), triggers.end(), "t" + std::to_string(i)),
                  triggers.end());
        by_reload[report->serial] = triggers;
    }
    size_t answered = 0;
    for (const auto& reload : by_reload) {
        answered += reload.second.size();
    }
    EXPECT_EQ(answered, static_cast<size_t>(kTriggers)) << "each trigger in exactly one reload";
    // A reload scans and dlopens; 20 requests from one thread take microseconds: at most the
    // running reload and the one all others joined.
    EXPECT_LE(by_reload.size(), 2u);
    EXPECT_EQ(registry.catalog()->plugins().size(), 1u);
}

}  // namespace
}  // namespace taskhost
