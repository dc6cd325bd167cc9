#include "plugins/private_dir_mount.h"

#include <sys/statvfs.h>

#include "util/mount_info.h"

namespace taskhost {
namespace {

const char* const kChooseAnother =
    "set TMPDIR to a directory on a mount without noexec (the private copies are made under "
    "$TMPDIR, default /tmp), e.g. TMPDIR=/var/tmp; for the service: `systemctl edit "
    "taskhost.service`, then [Service] Environment=TMPDIR=/var/tmp";

bool on_noexec_mount(const std::string& dir) {
    struct statvfs vfs {};
    return ::statvfs(dir.c_str(), &vfs) == 0 && (vfs.f_flag & ST_NOEXEC) != 0;
}

// "the mount /tmp (tmpfs)", or what can be said without /proc/self/mountinfo.
std::string describe_mount(const std::optional<MountEntry>& mount) {
    if (!mount) {
        return "a mount (which one /proc/self/mountinfo does not tell)";
    }
    return "the mount " + mount->mount_point + " (" + mount->fs_type + ", " + mount->mount_options +
           ")";
}

HostError noexec_refusal(const std::string& private_dir, const std::string& path) {
    const std::optional<MountEntry> mount = mount_of(private_dir);
    return HostError{"plugin file " + path,
                     "cannot be loaded: its private copy is made in " + private_dir + ", on " +
                         describe_mount(mount) +
                         ", which is mounted noexec: no code can be mapped from it",
                     std::string(kChooseAnother) + "; or remount " +
                         (mount ? mount->mount_point : std::string("it")) + " without noexec"};
}

bool is_map_failure(const std::string& text) {
    return text.find("failed to map segment") != std::string::npos ||
           text.find("cannot apply additional memory protection") != std::string::npos;
}

}  // namespace

Check check_private_dir_executable(const std::string& private_dir, const std::string& path) {
    if (!on_noexec_mount(private_dir)) {
        return std::nullopt;
    }
    return noexec_refusal(private_dir, path);
}

HostError explain_map_failure(HostError error, const std::string& private_dir,
                              const std::string& path) {
    if (!is_map_failure(error.problem)) {
        return error;
    }
    if (on_noexec_mount(private_dir)) {
        return noexec_refusal(private_dir, path);
    }
    error.fix += " (the loader could not map the private copy in " + private_dir + ", on " +
                 describe_mount(mount_of(private_dir)) + ": if that mount forbids code, " +
                 kChooseAnother + ")";
    return error;
}

}  // namespace taskhost
