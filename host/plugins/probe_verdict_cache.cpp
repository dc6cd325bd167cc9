#include "plugins/probe_verdict_cache.h"

#include <sys/stat.h>

#include <cstdlib>

#include <taskhost/plugin.h>

#include "plugins/probe_verdict_files.h"
#include "util/sha256.h"

namespace taskhost {
namespace {

// "dev:ino:size:mtime" of `path`, or "none": a changed file is a new identity.
std::string identity_of(const char* path) {
    struct stat st {};
    if (::stat(path, &st) != 0) {
        return "none";
    }
    return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino) + ":" +
           std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) + "." +
           std::to_string(st.st_mtim.tv_nsec);
}

}  // namespace

std::string probe_verdict_key(const std::string& copy_sha256, const std::string& program) {
    const char* library_path = std::getenv("LD_LIBRARY_PATH");
    return "abi=" + std::to_string(TASKHOST_ABI_VERSION) + " sha256=" + copy_sha256 +
           " probe=" + identity_of(program.c_str()) + " host=" + identity_of("/proc/self/exe") +
           " ld.so.cache=" + identity_of("/etc/ld.so.cache") +
           " ld_library_path=" + (library_path != nullptr ? sha256_hex(library_path) : "unset");
}

ProbeVerdictCache::ProbeVerdictCache(std::string dir) : dir_(std::move(dir)) {}

bool ProbeVerdictCache::disk_usable() {
    if (!dir_ok_) {
        dir_ok_ = !dir_.empty() && prepare_verdict_dir(dir_);
    }
    return *dir_ok_;
}

std::string ProbeVerdictCache::dir_in_use() {
    std::lock_guard<std::mutex> lock(mutex_);
    return disk_usable() ? dir_ : "";
}

std::optional<std::string> ProbeVerdictCache::find(const std::string& key) {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto found = memory_.find(key);
    if (found != memory_.end()) {
        ++hits_;
        return found->second;
    }
    if (disk_usable()) {
        std::optional<std::string> json = read_verdict_file(dir_, key);
        if (json) {
            ++hits_;
            remember_in_memory(key, *json);
            return json;
        }
    }
    ++misses_;
    return std::nullopt;
}

void ProbeVerdictCache::remember(const std::string& key, const std::string& describe_json) {
    if (describe_json.size() > kMaxCachedJsonBytes) {
        return;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    remember_in_memory(key, describe_json);
    if (disk_usable()) {
        write_verdict_file(dir_, key, describe_json, kMaxDiskEntries);
    }
}

void ProbeVerdictCache::remember_in_memory(const std::string& key, const std::string& json) {
    if (memory_.emplace(key, json).second) {
        order_.push_back(key);
    }
    while (order_.size() > kMaxMemoryEntries) {
        memory_.erase(order_.front());
        order_.pop_front();
    }
}

uint64_t ProbeVerdictCache::hits() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return hits_;
}

uint64_t ProbeVerdictCache::misses() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return misses_;
}

}  // namespace taskhost
