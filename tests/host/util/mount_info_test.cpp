// Reading /proc/self/mountinfo: the kernel's octal escapes (a mount point with a space is
// written "\040"), optional fields before the " - " separator, which mount a path is on (the
// longest mount point of the path's device, the last of equal ones), and the limits.
#include "util/mount_info.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <string>

namespace taskhost {
namespace {

TEST(MountInfo, UnescapesTheKernelsOctalEscapes) {
    EXPECT_EQ(unescape_mount_field("/mnt/no\\040exec"), "/mnt/no exec");
    EXPECT_EQ(unescape_mount_field("a\\011b\\012c\\134d"), "a\tb\nc\\d");
    EXPECT_EQ(unescape_mount_field("/plain"), "/plain");
    // Not an escape: kept.
    EXPECT_EQ(unescape_mount_field("x\\0"), "x\\0");
    EXPECT_EQ(unescape_mount_field("x\\9zz"), "x\\9zz");
    EXPECT_EQ(unescape_mount_field("x\\400"), "x\\400");
}

TEST(MountInfo, ParsesALineWithOptionalFields) {
    const std::optional<MountEntry> entry = parse_mountinfo_line(
        "36 35 98:0 /mnt1 /mnt/with\\040space rw,noexec,noatime master:1 shared:7 - ext3 "
        "/dev/my\\040disk rw,errors=continue");
    ASSERT_TRUE(entry);
    EXPECT_EQ(entry->major, 98u);
    EXPECT_EQ(entry->minor, 0u);
    EXPECT_EQ(entry->mount_point, "/mnt/with space");
    EXPECT_EQ(entry->mount_options, "rw,noexec,noatime");
    EXPECT_EQ(entry->fs_type, "ext3");
    EXPECT_EQ(entry->source, "/dev/my disk");
    EXPECT_FALSE(parse_mountinfo_line("36 35 98:0 /mnt1 /mnt rw,noatime master:1"));
    EXPECT_FALSE(parse_mountinfo_line("36 35 x /mnt1 /mnt rw - ext3 /dev/root rw"));
    EXPECT_FALSE(parse_mountinfo_line(""));
}

const std::string kTable =
    "1 0 8:1 / / rw - ext4 /dev/sda1 rw\n"
    "2 1 0:30 / /tmp rw,nosuid - tmpfs tmpfs rw\n"
    "3 2 0:31 / /tmp/no\\040exec rw,noexec - tmpfs tmpfs rw\n"
    "4 2 0:32 / /tmp/no\\040exec rw,noexec,nodev - tmpfs other rw\n"
    "5 1 8:1 /var/tmp /var/tmp rw,noexec - ext4 /dev/sda1 rw\n";

TEST(MountInfo, FindsTheLongestMountPointOfThePathsDevice) {
    std::optional<MountEntry> found = find_mount(kTable, "/tmp/no exec/d", makedev(0, 32));
    ASSERT_TRUE(found);
    EXPECT_EQ(found->mount_point, "/tmp/no exec");
    EXPECT_EQ(found->source, "other");
    // Another device: a mount of that device wins over a longer one of another.
    found = find_mount(kTable, "/tmp/no exec/d", makedev(0, 30));
    ASSERT_TRUE(found);
    EXPECT_EQ(found->mount_point, "/tmp");
    // "/tmp/no exec2" is not under "/tmp/no exec".
    found = find_mount(kTable, "/tmp/no exec2", makedev(9, 9));
    ASSERT_TRUE(found);
    EXPECT_EQ(found->mount_point, "/tmp");
    found = find_mount(kTable, "/var/tmp/x", makedev(8, 1));
    ASSERT_TRUE(found);
    EXPECT_EQ(found->mount_point, "/var/tmp");
    EXPECT_EQ(found->mount_options, "rw,noexec");
}

TEST(MountInfo, SkipsLinesOverTheLimitAndStopsAfterTheLineCount) {
    const std::string too_long =
        "9 1 0:40 / /tmp/long rw - tmpfs " + std::string(kMaxMountinfoLineBytes, 'x') + " rw\n";
    std::optional<MountEntry> found = find_mount(kTable + too_long, "/tmp/long/a", makedev(0, 40));
    ASSERT_TRUE(found);
    EXPECT_EQ(found->mount_point, "/tmp");

    std::string many;
    for (size_t i = 0; i < kMaxMountinfoLines; ++i) {
        many += "1 0 8:1 / / rw - ext4 /dev/sda1 rw\n";
    }
    found = find_mount(many + "2 1 0:30 / /late rw - tmpfs tmpfs rw\n", "/late/x", makedev(0, 30));
    ASSERT_TRUE(found);
    EXPECT_EQ(found->mount_point, "/");
}

TEST(MountInfo, FindsTheRootMountOfThisProcess) {
    const std::optional<MountEntry> root = mount_of("/");
    ASSERT_TRUE(root);
    EXPECT_EQ(root->mount_point, "/");
    EXPECT_FALSE(mount_of("/no/such/path/at/all"));
}

}  // namespace
}  // namespace taskhost
