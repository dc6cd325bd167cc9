// Which mount a path lives on, from /proc/self/mountinfo (proc(5)): what an error names when a
// directory's mount forbids something (a noexec /tmp refuses the plugins' private copies).
// Bounded: lines longer than kMaxMountinfoLineBytes and lines after the first
// kMaxMountinfoLines are not read, so a hostile or huge table cannot exhaust memory.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <optional>
#include <string>

namespace taskhost {

constexpr size_t kMaxMountinfoLineBytes = 16 * 1024;
constexpr size_t kMaxMountinfoLines = 100000;

struct MountEntry {
    unsigned int major = 0;  // of the filesystem's device (st_dev)
    unsigned int minor = 0;
    std::string mount_point;    // unescaped: "\040" is back to " "
    std::string mount_options;  // per-mount options: "rw,nosuid,nodev,noexec,relatime"
    std::string fs_type;        // "tmpfs", "ext4"...
    std::string source;         // unescaped
};

// A mountinfo path with the kernel's octal escapes (\040 space, \011 tab, \012 newline,
// \134 backslash) undone; anything else is kept as it is.
std::string unescape_mount_field(const std::string& field);

// One line of mountinfo; nullopt when it is not one (too few fields, no " - " separator).
std::optional<MountEntry> parse_mountinfo_line(const std::string& line);

// The mount `path` (absolute, canonical) lives on, in `mountinfo` (the whole table's text):
// the entry with the longest mount point that is `path` or one of its parents, preferring
// entries of device `dev`; of equal ones the last (the mount on top).
std::optional<MountEntry> find_mount(const std::string& mountinfo, const std::string& path,
                                     dev_t dev);

// The mount `path` lives on, from /proc/self/mountinfo; nullopt when it cannot be told.
std::optional<MountEntry> mount_of(const std::string& path);

}  // namespace taskhost
