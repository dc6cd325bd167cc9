// The probe verdict cache (issue 12): bytes that already passed the probe are not probed again
// (in memory, and through a directory of the user's own for the CLI's cold runs); changed bytes
// are probed; a crashing plugin is probed and refused on every load; an unsafe directory or a
// corrupt entry is ignored, never trusted.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <sstream>

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

class ProbeVerdictCacheTest : public ::testing::Test {
  protected:
    ProbeVerdictCacheTest() {
        ::chmod(dir_.path().c_str(), 0755);
        make_dir(plugins(), 0755);
    }
    std::string plugins() const { return dir_ / "plugins"; }
    std::string cache_dir() const { return dir_ / "probe-cache"; }

    // A library whose verdicts live in `cache` (a new cache object: as a new process would).
    static PluginProbeOptions with_cache(std::shared_ptr<ProbeVerdictCache> cache) {
        PluginProbeOptions options;
        options.timeout = std::chrono::milliseconds(2000);
        options.verdicts = std::move(cache);
        return options;
    }

    // Loads echo_v1 through a fresh library using a fresh cache on `dir`: that cache's hits.
    uint64_t hits_loading_with_fresh_cache(const std::string& dir) {
        auto cache = std::make_shared<ProbeVerdictCache>(dir);
        PluginLibrary library(with_cache(cache));
        Result<std::shared_ptr<const PluginGeneration>> loaded =
            library.load(plugins() + "/echo_v1.so");
        EXPECT_TRUE(loaded.ok()) << (loaded.ok() ? "" : loaded.error().text());
        EXPECT_EQ(library.last_probe_time().count() == 0, cache->hits() == 1);
        return cache->hits();
    }

    std::string only_entry() const {
        for (const auto& entry : std::filesystem::directory_iterator(cache_dir())) {
            return entry.path().string();
        }
        return "";
    }

    TempDir dir_;
};

TEST_F(ProbeVerdictCacheTest, AHitSkipsTheProbeAndChangedBytesAreProbed) {
    install_test_plugin(plugins(), "echo_v1");
    PluginLibrary library;  // the default: a cache in memory
    const std::shared_ptr<ProbeVerdictCache> cache = library.probe_options().verdicts;
    ASSERT_NE(cache, nullptr);
    ASSERT_TRUE(library.load(plugins() + "/echo_v1.so").ok());
    EXPECT_GT(library.last_probe_time().count(), 0);
    EXPECT_EQ(cache->hits(), 0u);

    Result<std::shared_ptr<const PluginGeneration>> again = library.load(plugins() + "/echo_v1.so");
    ASSERT_TRUE(again.ok()) << again.error().text();
    EXPECT_EQ(again.value()->name(), "echo_v1");
    EXPECT_EQ(cache->hits(), 1u) << "the same bytes again: no probe";
    EXPECT_EQ(library.last_probe_time().count(), 0);

    install_test_plugin(plugins(), "echo_v2", "echo_v1.so");
    ASSERT_TRUE(library.load(plugins() + "/echo_v1.so").ok());
    EXPECT_EQ(cache->hits(), 1u) << "new bytes are probed";
    EXPECT_GT(library.last_probe_time().count(), 0);
}

TEST_F(ProbeVerdictCacheTest, ACrashingPluginIsProbedAndRefusedOnEveryLoad) {
    install_test_plugin(plugins(), "crash_describe");
    const std::string file = plugins() + "/crash_describe.so";
    const std::string cache_at = cache_dir();
    const ForkedCall call = call_forked(
        [&file, &cache_at] {
            auto cache = std::make_shared<ProbeVerdictCache>(cache_at);
            PluginLibrary library(with_cache(cache));
            std::ostringstream out;
            for (int i = 0; i < 3; ++i) {
                Result<std::shared_ptr<const PluginGeneration>> loaded = library.load(file);
                out << (loaded.ok() ? "loaded" : loaded.error().problem) << "|"
                    << library.last_probe_time().count() << "\n";
            }
            out << "hits " << cache->hits();
            return out.str();
        },
        std::chrono::milliseconds(20000));
    ASSERT_TRUE(call.exited_cleanly()) << call.describe();
    EXPECT_EQ(call.output.find("loaded"), std::string::npos) << call.output;
    size_t refusals = 0;
    for (size_t at = 0;
         (at = call.output.find("crashed the probe with signal 11", at)) != std::string::npos;
         ++at) {
        ++refusals;
    }
    EXPECT_EQ(refusals, 3u) << call.output;
    EXPECT_NE(call.output.find("hits 0"), std::string::npos) << call.output;
    EXPECT_EQ(only_entry(), "") << "a refusal is never written";
}

TEST_F(ProbeVerdictCacheTest, ADirectoryCacheServesTheNextProcessAndIsPrivate) {
    install_test_plugin(plugins(), "echo_v1");
    EXPECT_EQ(hits_loading_with_fresh_cache(cache_dir()), 0u);
    struct stat st {};
    ASSERT_EQ(::stat(cache_dir().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0700u);
    const std::string entry = only_entry();
    ASSERT_NE(entry, "");
    ASSERT_EQ(::stat(entry.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
    EXPECT_EQ(hits_loading_with_fresh_cache(cache_dir()), 1u) << "a later run skips the probe";
}

TEST_F(ProbeVerdictCacheTest, ACorruptOrForeignEntryIsIgnored) {
    install_test_plugin(plugins(), "echo_v1");
    EXPECT_EQ(hits_loading_with_fresh_cache(cache_dir()), 0u);
    const std::string entry = only_entry();
    ASSERT_NE(entry, "");
    const std::string sound = taskhost_test::read_file(entry);

    taskhost_test::write_file(entry, sound.substr(0, sound.size() / 2) + "garbage", 0600);
    ::chmod(entry.c_str(), 0600);
    EXPECT_EQ(hits_loading_with_fresh_cache(cache_dir()), 0u) << "a corrupt entry";

    ::chmod(entry.c_str(), 0622);  // rewritten sound by the miss above; now others may write it
    EXPECT_EQ(hits_loading_with_fresh_cache(cache_dir()), 0u) << "an entry others can write";
}

TEST_F(ProbeVerdictCacheTest, AnUnsafeDirectoryIsNotUsed) {
    install_test_plugin(plugins(), "echo_v1");
    EXPECT_EQ(hits_loading_with_fresh_cache(cache_dir()), 0u);
    ::chmod(cache_dir().c_str(), 0777);
    EXPECT_EQ(ProbeVerdictCache(cache_dir()).dir_in_use(), "");
    EXPECT_EQ(hits_loading_with_fresh_cache(cache_dir()), 0u) << "writable by others";
    ::chmod(cache_dir().c_str(), 0700);
    EXPECT_EQ(ProbeVerdictCache(cache_dir()).dir_in_use(), cache_dir());
    if (::geteuid() == 0) {
        ASSERT_EQ(::chown(cache_dir().c_str(), 65534, 65534), 0);
        EXPECT_EQ(ProbeVerdictCache(cache_dir()).dir_in_use(), "") << "owned by another user";
        EXPECT_EQ(hits_loading_with_fresh_cache(cache_dir()), 0u);
    }
    const std::string link = dir_ / "cache-link";
    ASSERT_EQ(::chown(cache_dir().c_str(), ::geteuid(), ::getegid()), 0);
    ASSERT_EQ(::symlink(cache_dir().c_str(), link.c_str()), 0);
    EXPECT_EQ(ProbeVerdictCache(link).dir_in_use(), "") << "a symlink";
}

}  // namespace
}  // namespace taskhost
