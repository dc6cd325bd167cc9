// A private-copy directory on a noexec mount: the load is refused before the probe or dlopen,
// naming the plugin, the private directory, the mount and the fix (TMPDIR), instead of the
// loader's bare "failed to map segment from shared object". A real tmpfs mounted noexec (the
// test needs root, or CAP_SYS_ADMIN; it skips otherwise) whose mount point has a space in its
// name, which /proc/self/mountinfo writes as \040.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>

#include "host_test_support.h"
#include "plugins/plugin_library.h"
#include "plugins/private_dir_mount.h"

namespace taskhost {
namespace {

using taskhost_test::install_test_plugin;
using taskhost_test::make_dir;
using taskhost_test::TempDir;

// TMPDIR set for the test's life, then put back.
class ScopedTmpdir {
  public:
    explicit ScopedTmpdir(const std::string& value) {
        if (const char* old = std::getenv("TMPDIR")) {
            old_ = old;
        }
        ::setenv("TMPDIR", value.c_str(), 1);
    }
    ~ScopedTmpdir() {
        if (old_) {
            ::setenv("TMPDIR", old_->c_str(), 1);
        } else {
            ::unsetenv("TMPDIR");
        }
    }

  private:
    std::optional<std::string> old_;
};

class NoexecPrivateDir : public ::testing::Test {
  protected:
    void SetUp() override {
        ::chmod(dir_.path().c_str(), 0755);
        make_dir(plugins(), 0755);
        make_dir(mount_point(), 0755);
        if (::mount("tmpfs", mount_point().c_str(), "tmpfs", MS_NOEXEC | MS_NOSUID | MS_NODEV,
                    "size=16m,mode=0755") != 0) {
            const int err = errno;
            GTEST_SKIP() << "cannot mount a tmpfs (" << std::strerror(err)
                         << "): this test needs root or CAP_SYS_ADMIN";
        }
        mounted_ = true;
    }
    void TearDown() override {
        if (mounted_) {
            EXPECT_EQ(::umount2(mount_point().c_str(), MNT_DETACH), 0) << std::strerror(errno);
        }
    }
    std::string plugins() const { return dir_ / "plugins"; }
    std::string mount_point() const { return dir_ / "no exec"; }

    TempDir dir_;
    bool mounted_ = false;
};

TEST_F(NoexecPrivateDir, RefusesTheLoadNamingTheMountAndTmpdir) {
    install_test_plugin(plugins(), "echo_v1");
    const std::string plugin = plugins() + "/echo_v1.so";
    ScopedTmpdir tmpdir(mount_point());
    HostError refusal;
    std::string private_dir;
    {
        PluginLibrary library;  // removes its private directory before the unmount
        Result<std::shared_ptr<const PluginGeneration>> loaded = library.load(plugin);
        ASSERT_FALSE(loaded.ok()) << "loaded from a noexec mount";
        refusal = loaded.error();
        private_dir = library.private_dir();
    }
    EXPECT_EQ(refusal.where, "plugin file " + plugin);
    EXPECT_EQ(private_dir.rfind(mount_point() + "/taskhost-plugins-", 0), 0u) << private_dir;
    EXPECT_NE(refusal.problem.find("private copy is made in " + private_dir), std::string::npos)
        << refusal.text();
    EXPECT_NE(refusal.problem.find("the mount " + mount_point() + " (tmpfs, "), std::string::npos)
        << refusal.text();
    EXPECT_NE(refusal.problem.find("mounted noexec"), std::string::npos) << refusal.text();
    EXPECT_EQ(refusal.problem.find("failed to map segment"), std::string::npos) << refusal.text();
    EXPECT_NE(refusal.fix.find("set TMPDIR to a directory on a mount without noexec"),
              std::string::npos)
        << refusal.text();
    EXPECT_NE(refusal.fix.find("remount " + mount_point() + " without noexec"), std::string::npos)
        << refusal.text();
}

// What the loader says when it cannot map the copy, turned into the same refusal.
TEST_F(NoexecPrivateDir, ExplainsAMapFailureOfTheLoader) {
    const std::string plugin = plugins() + "/x.so";
    const HostError loader{
        "plugin file " + plugin,
        "cannot be loaded: " + mount_point() + "/1-x.so: failed to map segment from shared object",
        "check it is a plugin built for this system"};
    const HostError explained = explain_map_failure(loader, mount_point(), plugin);
    EXPECT_NE(explained.problem.find("mounted noexec"), std::string::npos) << explained.text();
    EXPECT_NE(explained.fix.find("TMPDIR"), std::string::npos) << explained.text();

    // Not a map failure: kept as it is.
    const HostError other{"plugin file " + plugin, "does not export plugin_execute", "export it"};
    EXPECT_EQ(explain_map_failure(other, mount_point(), plugin).text(), other.text());
}

}  // namespace
}  // namespace taskhost
