// Issue 9, Medium 6: the daemon's socket lives in a directory nobody but the daemon's user or
// root can write, all the way up (whoever can write it can replace the socket); the plugin and
// state directories follow the same ancestor rule, as ssh and sudo check theirs.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/socket_listener.h"
#include "host_test_support.h"
#include "util/file_trust.h"

namespace taskhost {
namespace {

using taskhost_test::TempDir;

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

TEST(SocketTrust, ASocketDirectoryOthersMayWriteIsRefusedNamingTheFix) {
    const TempDir dir;
    const std::string sockets = dir / "run";
    ASSERT_EQ(::mkdir(sockets.c_str(), 0700), 0);
    ASSERT_EQ(::chmod(sockets.c_str(), 0770), 0);  // group-writable
    const auto bound = listen_on_unix_socket(sockets + "/d.sock", std::nullopt);
    ASSERT_FALSE(bound.ok());
    EXPECT_TRUE(contains(bound.error().text(), "writable by its group")) << bound.error().text();
    EXPECT_TRUE(contains(bound.error().text(), "chmod go-w " + sockets)) << bound.error().text();
    struct stat st {};
    EXPECT_NE(::lstat((sockets + "/d.sock").c_str(), &st), 0) << "nothing was bound";
}

TEST(SocketTrust, AnAncestorOthersMayWriteIsRefusedUnlessItIsRootsAndSticky) {
    const TempDir dir;
    const std::string open_parent = dir / "shared";
    ASSERT_EQ(::mkdir(open_parent.c_str(), 0700), 0);
    ASSERT_EQ(::chmod(open_parent.c_str(), 0777), 0);  // anyone may rename what is inside
    const std::string sockets = open_parent + "/run";
    ASSERT_EQ(::mkdir(sockets.c_str(), 0750), 0);
    const auto bound = listen_on_unix_socket(sockets + "/d.sock", std::nullopt);
    ASSERT_FALSE(bound.ok());
    EXPECT_TRUE(contains(bound.error().text(), open_parent)) << bound.error().text();
    EXPECT_TRUE(contains(bound.error().text(), "writable by others")) << bound.error().text();

    // The same directory made sticky (like /tmp) is acceptable when root owns it.
    ASSERT_EQ(::chmod(open_parent.c_str(), 01777), 0);
    if (::geteuid() == 0) {
        const auto sticky = listen_on_unix_socket(sockets + "/d.sock", std::nullopt);
        EXPECT_TRUE(sticky.ok()) << sticky.error().text();
    }
}

TEST(SocketTrust, APluginDirectoryUnderAWritableAncestorIsRefused) {
    const TempDir dir;
    const std::string open_parent = dir / "shared";
    ASSERT_EQ(::mkdir(open_parent.c_str(), 0700), 0);
    ASSERT_EQ(::chmod(open_parent.c_str(), 0777), 0);
    const std::string plugins = open_parent + "/plugins";
    ASSERT_EQ(::mkdir(plugins.c_str(), 0755), 0);
    const Check bad = check_trusted_directory(plugins, "plugin directory");
    ASSERT_TRUE(bad.has_value());
    EXPECT_TRUE(contains(bad->text(), open_parent)) << bad->text();
    ASSERT_EQ(::chmod(open_parent.c_str(), 0755), 0);
    EXPECT_FALSE(check_trusted_directory(plugins, "plugin directory").has_value());
}

}  // namespace
}  // namespace taskhost
