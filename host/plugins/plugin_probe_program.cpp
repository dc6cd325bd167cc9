#include "plugins/plugin_probe_program.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <vector>

#include "plugins/plugin_probe_protocol.h"
#include "util/file_trust.h"

namespace taskhost {
namespace {

namespace fs = std::filesystem;

const std::string kProgram = TASKHOST_PROBE_PROGRAM;
const std::string kWhere = "plugin probe";

// Next to the running executable, or "" when /proc/self/exe cannot be read.
std::string beside_this_executable() {
    std::error_code ec;
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    return ec ? "" : (self.parent_path() / kProgram).string();
}

std::vector<std::string> candidates(const std::string& configured) {
    if (!configured.empty()) {
        return {configured};
    }
    const char* named = std::getenv("TASKHOST_PLUGIN_PROBE");
    if (named != nullptr && *named != '\0') {
        return {named};
    }
    std::vector<std::string> found;
    const std::string beside = beside_this_executable();
    if (!beside.empty()) {
        found.push_back(beside);
    }
#ifdef TASKHOST_PLUGIN_PROBE_BUILT
    found.push_back(TASKHOST_PLUGIN_PROBE_BUILT);  // a build with tests: its test binaries
#endif
    return found;
}

Check check_trusted_program(const std::string& path, const struct stat& st) {
    if (!S_ISREG(st.st_mode) || (st.st_mode & S_IXUSR) == 0) {
        return HostError{kWhere + " " + path, "is not an executable regular file",
                         "install it with: install -m 0755 build/host/" + kProgram + " " + path};
    }
    if (Check bad = check_trusted_code_path(st, path, kWhere)) {
        return bad;
    }
    return check_trusted_directory(fs::path(path).parent_path().string(), "plugin probe directory");
}

std::string listed(const std::vector<std::string>& paths) {
    std::string text;
    for (const std::string& path : paths) {
        text += (text.empty() ? "" : ", ") + path;
    }
    return text.empty() ? "nowhere" : text;
}

}  // namespace

Result<std::string> locate_probe_program(const std::string& configured) {
    const std::vector<std::string> paths = candidates(configured);
    for (const std::string& path : paths) {
        struct stat st {};
        if (::stat(path.c_str(), &st) != 0) {
            continue;
        }
        if (Check bad = check_trusted_program(path, st)) {
            return *bad;
        }
        return path;
    }
    return HostError{kWhere + " " + kProgram,
                     "was not found (looked at: " + listed(paths) +
                         "); every new plugin file is loaded by it first, so none can be loaded",
                     "install build/host/" + kProgram +
                         " next to the taskhost binary (mode 0755), or name it in "
                         "TASKHOST_PLUGIN_PROBE"};
}

}  // namespace taskhost
