#include "ledger/postgresql_connector.h"

#include <dlfcn.h>
#include <sys/stat.h>

#include <filesystem>
#include <mutex>
#include <vector>

#include "util/file_trust.h"

namespace taskhost {
namespace {

namespace fs = std::filesystem;

const char* const kModule = "ledger-postgresql.so";
const char* const kRegisterSymbol = "taskhost_register_postgresql_connector";
const std::string kWhat = "PostgreSQL ledger module";

std::vector<std::string> candidates() {
    std::vector<std::string> found;
    std::error_code ec;
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        found.push_back((self.parent_path().parent_path() / "lib" / "taskhost" / kModule).string());
    }
#ifdef TASKHOST_LEDGER_POSTGRESQL_BUILT
    found.push_back(TASKHOST_LEDGER_POSTGRESQL_BUILT);  // a build with tests: its test binaries
#endif
    return found;
}

Check load_from(const std::string& path, const struct stat& st) {
    if (Check bad = check_trusted_code_path(st, path, kWhat)) {
        return bad;
    }
    if (Check bad =
            check_trusted_directory(fs::path(path).parent_path().string(), kWhat + " directory")) {
        return bad;
    }
    // Never closed: the connector it registers lives as long as the process.
    void* module = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (module == nullptr) {
        const char* why = ::dlerror();
        return HostError{
            kWhat + " " + path,
            std::string("cannot be loaded: ") + (why != nullptr ? why : "unknown"),
            "reinstall the taskhost package (it needs Debian's libpocodatapostgresql80)"};
    }
    using Register = int (*)();
    auto registration = reinterpret_cast<Register>(::dlsym(module, kRegisterSymbol));
    if (registration == nullptr || registration() != 0) {
        return HostError{kWhat + " " + path, "did not register the PostgreSQL connector",
                         "reinstall the taskhost package: the module and taskhost must come "
                         "from one build"};
    }
    return std::nullopt;
}

}  // namespace

Check load_postgresql_connector() {
    static std::mutex mutex;
    static bool loaded = false;
    std::lock_guard<std::mutex> lock(mutex);
    if (loaded) {
        return std::nullopt;
    }
    const std::vector<std::string> paths = candidates();
    for (const std::string& path : paths) {
        struct stat st {};
        if (::stat(path.c_str(), &st) != 0) {
            continue;
        }
        if (Check bad = load_from(path, st)) {
            return bad;
        }
        loaded = true;
        return std::nullopt;
    }
    std::string looked;
    for (const std::string& path : paths) {
        looked += (looked.empty() ? "" : ", ") + path;
    }
    return HostError{kWhat + " " + kModule, "is missing (looked in " + looked + ")",
                     "install the whole taskhost package (or build the target "
                     "taskhost-ledger-postgresql next to taskhost)"};
}

}  // namespace taskhost
