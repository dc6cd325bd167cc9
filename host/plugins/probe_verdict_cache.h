// The probe's verdict cache (issue 12): a plugin file whose exact bytes already passed the probe
// (plugin_probe.h) with the same probe program, the same host and the same ABI need not be probed
// again. Each process keeps the verdicts it saw in memory (the daemon's reloads); a command may
// also keep them in a directory of its own (the CLI: <state_dir>/plugin-probe-cache), so that a
// cold `taskhost run` of an unchanged plugin spawns no probe at all.
//
// Why a cached pass may be trusted:
//  - The key is exact: the SHA-256 of the private copy that will be dlopened (the very bytes the
//    probe judged), the ABI version, the identity (device, inode, size, mtime) of the probe
//    program and of this host executable, the mtime of /etc/ld.so.cache (a library upgrade runs
//    ldconfig, so a plugin's dependencies changing is a new key) and LD_LIBRARY_PATH. The probe
//    only guards against a plugin that crashes, exits or hangs in its load or describe: with all
//    of that unchanged, probing the same bytes again gives the same verdict.
//  - Only passes are kept, with the describe JSON the probe returned, which the host checks
//    again (JSON, ABI) on every hit and then calls describe itself. A refusal is never cached:
//    a crashing plugin is probed, and refused, on every load.
//  - The directory is used only if it is this user's own (owned by the effective uid, not a
//    symlink, writable by nobody else, and every directory above it trusted as for plugin code);
//    it is created 0700, entries 0600, written atomically (temp file + rename). An entry that is
//    not a regular file of this user, is writable by others, is too large, or whose header and
//    key do not match exactly is ignored, never trusted. Whoever could forge an entry is this
//    user, who can already run any code as this user (and whose plugin_dir is trusted anyway).
//  - Bounded: at most kMaxDiskEntries files (the oldest go) and kMaxMemoryEntries in memory; a
//    describe JSON above kMaxCachedJsonBytes is not cached.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace taskhost {

// The CLI's cache directory, in the config's state_dir.
constexpr const char* kProbeCacheDirName = "plugin-probe-cache";

class ProbeVerdictCache {
  public:
    static constexpr size_t kMaxMemoryEntries = 64;
    static constexpr size_t kMaxDiskEntries = 32;
    static constexpr size_t kMaxCachedJsonBytes = 256 * 1024;

    // `dir` empty: memory only. Otherwise the directory entries are kept in; its parent must
    // exist (it is not created), else the cache is memory only.
    explicit ProbeVerdictCache(std::string dir = "");

    // The describe JSON of a pass under `key`, from memory or the directory.
    std::optional<std::string> find(const std::string& key);
    // Keeps a pass (never call it with a refusal).
    void remember(const std::string& key, const std::string& describe_json);

    uint64_t hits() const;    // finds that answered a pass: probes skipped
    uint64_t misses() const;  // finds that did not
    // The directory in use, "" when memory only (none given, or refused as unsafe).
    std::string dir_in_use();

  private:
    bool disk_usable();  // checks (and creates) the directory once; mutex_ held
    void remember_in_memory(const std::string& key, const std::string& json);

    std::string dir_;
    std::optional<bool> dir_ok_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, std::string> memory_;
    std::deque<std::string> order_;  // keys of memory_, oldest first
    uint64_t hits_ = 0;
    uint64_t misses_ = 0;
};

// The cache key of the private copy whose bytes hash to `copy_sha256`, probed by `program`.
std::string probe_verdict_key(const std::string& copy_sha256, const std::string& program);

}  // namespace taskhost
