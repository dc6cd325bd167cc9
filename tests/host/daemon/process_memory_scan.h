// Counts where a secret sits in a live process's memory: every readable mapping of
// /proc/PID/maps, read through /proc/PID/mem, split into what a core dump would include and
// what is marked MADV_DONTDUMP ("dd" in /proc/PID/smaps VmFlags). Only counts and addresses come
// out, never the bytes found: the secret must not reach a test log.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace taskhost_test {

// What a mapping is, for the counts: "heap", "stack" (the main stack), "anon" (anonymous: thread
// stacks, malloc arenas, mmap'd buffers), "lib" (file-backed).
std::string mapping_kind(const std::string& path);

struct SecretHit {
    uint64_t address = 0;
    std::string kind;
    bool dumped = true;  // false: in a MADV_DONTDUMP mapping, left out of a core dump
};

struct MemoryScan {
    bool ok = false;
    std::string error;  // why the scan could not be made (no text of the process)
    std::vector<SecretHit> hits;
    std::size_t mappings_read = 0;
    std::size_t bytes_read = 0;

    // Hits a core dump would hold, by kind.
    std::map<std::string, std::size_t> dumped_by_kind() const;
    std::size_t dumped() const;
    std::size_t excluded() const;  // hits in MADV_DONTDUMP mappings
    // "heap=1 anon=0 ... (excluded from dumps: 2)" and the dumped hits' addresses.
    std::string summary() const;
};

// Every occurrence of `needle` in the readable memory of `pid` (which must be dumpable, or the
// caller privileged, for /proc/PID/mem to be readable). Stop the process first for a snapshot.
MemoryScan scan_process_memory(pid_t pid, const std::string& needle);

}  // namespace taskhost_test
