#include "process_memory_scan.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace taskhost_test {
namespace {

struct Mapping {
    uint64_t start = 0;
    uint64_t end = 0;
    bool readable = false;
    std::string path;
    bool dont_dump = false;
    uint64_t rss_kb = 0;
};

// Past this, a mapping is a reservation (ASan's shadow memory: terabytes), not data to read.
constexpr uint64_t kMaxScannedMapping = uint64_t(64) << 30;

bool is_mapping_header(const std::string& line) {
    const std::size_t dash = line.find('-');
    const std::size_t space = line.find(' ');
    return dash != std::string::npos && space != std::string::npos && dash < space &&
           std::all_of(line.begin(), line.begin() + static_cast<long>(dash),
                       [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
}

Mapping parse_header(const std::string& line) {
    Mapping mapping;
    std::istringstream in(line);
    std::string range;
    std::string perms;
    std::string offset;
    std::string device;
    std::string inode;
    in >> range >> perms >> offset >> device >> inode;
    std::getline(in, mapping.path);
    mapping.path.erase(0, mapping.path.find_first_not_of(' '));
    mapping.start = std::stoull(range.substr(0, range.find('-')), nullptr, 16);
    mapping.end = std::stoull(range.substr(range.find('-') + 1), nullptr, 16);
    mapping.readable = !perms.empty() && perms[0] == 'r';
    return mapping;
}

std::vector<Mapping> read_smaps(pid_t pid) {
    std::ifstream smaps("/proc/" + std::to_string(pid) + "/smaps");
    std::vector<Mapping> mappings;
    std::string line;
    while (std::getline(smaps, line)) {
        if (is_mapping_header(line)) {
            mappings.push_back(parse_header(line));
        } else if (!mappings.empty() && line.rfind("Rss:", 0) == 0) {
            mappings.back().rss_kb = std::stoull(line.substr(4));
        } else if (!mappings.empty() && line.rfind("VmFlags:", 0) == 0) {
            mappings.back().dont_dump = (line + " ").find(" dd ") != std::string::npos;
        }
    }
    return mappings;
}

// Occurrences of `needle` in [start, end) of the process behind `mem_fd`, read in chunks that
// overlap by needle.size() - 1 bytes so none is missed or counted twice. Unreadable pages are
// skipped.
void scan_range(int mem_fd, const Mapping& mapping, const std::string& needle, MemoryScan& scan,
                const std::string& kind) {
    constexpr uint64_t kChunk = 1 << 20;
    constexpr uint64_t kPage = 4096;
    std::vector<char> buffer(kChunk + needle.size());
    uint64_t at = mapping.start;
    while (at < mapping.end) {
        const uint64_t want = std::min<uint64_t>(kChunk + needle.size() - 1, mapping.end - at);
        const ssize_t got = ::pread(mem_fd, buffer.data(), want, static_cast<off_t>(at));
        if (got <= 0) {
            at = (at / kPage + 1) * kPage;  // an unreadable page: the next one
            continue;
        }
        scan.bytes_read += static_cast<std::size_t>(got);
        const char* begin = buffer.data();
        const char* end = begin + got;
        for (const char* hit = std::search(begin, end, needle.begin(), needle.end()); hit != end;
             hit = std::search(hit + 1, end, needle.begin(), needle.end())) {
            const uint64_t address = at + static_cast<uint64_t>(hit - begin);
            if (hit - begin < static_cast<long>(kChunk) ||
                at + static_cast<uint64_t>(got) >= mapping.end) {
                scan.hits.push_back(SecretHit{address, kind, !mapping.dont_dump});
            }
        }
        at += std::min<uint64_t>(static_cast<uint64_t>(got), kChunk);
    }
}

}  // namespace

std::string mapping_kind(const std::string& path) {
    if (path == "[heap]") {
        return "heap";
    }
    if (path == "[stack]") {
        return "stack";
    }
    if (path.empty() || path[0] == '[') {
        return "anon";
    }
    return "lib";
}

std::map<std::string, std::size_t> MemoryScan::dumped_by_kind() const {
    std::map<std::string, std::size_t> counts{{"heap", 0}, {"anon", 0}, {"stack", 0}, {"lib", 0}};
    for (const SecretHit& hit : hits) {
        if (hit.dumped) {
            ++counts[hit.kind];
        }
    }
    return counts;
}

std::size_t MemoryScan::dumped() const {
    return static_cast<std::size_t>(
        std::count_if(hits.begin(), hits.end(), [](const SecretHit& hit) { return hit.dumped; }));
}

std::size_t MemoryScan::excluded() const {
    return hits.size() - dumped();
}

std::string MemoryScan::summary() const {
    std::string out;
    for (const auto& [kind, count] : dumped_by_kind()) {
        out += kind + "=" + std::to_string(count) + " ";
    }
    out += "(excluded from dumps: " + std::to_string(excluded()) + "; " +
           std::to_string(mappings_read) + " mappings, " + std::to_string(bytes_read) +
           " bytes read)";
    for (const SecretHit& hit : hits) {
        if (hit.dumped) {
            char address[32];
            std::snprintf(address, sizeof address, "%#llx",
                          static_cast<unsigned long long>(hit.address));
            out += std::string(" ") + address + "(" + hit.kind + ")";
        }
    }
    return out;
}

MemoryScan scan_process_memory(pid_t pid, const std::string& needle) {
    MemoryScan scan;
    const std::vector<Mapping> mappings = read_smaps(pid);
    if (mappings.empty()) {
        scan.error = "no mappings in /proc/" + std::to_string(pid) + "/smaps";
        return scan;
    }
    const std::string mem_path = "/proc/" + std::to_string(pid) + "/mem";
    const int fd = ::open(mem_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        scan.error = "cannot open " + mem_path + ": " + std::strerror(errno);
        return scan;
    }
    for (const Mapping& mapping : mappings) {
        if (!mapping.readable || mapping.path == "[vvar]" || mapping.path == "[vsyscall]" ||
            mapping.rss_kb == 0 || mapping.end - mapping.start > kMaxScannedMapping) {
            continue;
        }
        ++scan.mappings_read;
        scan_range(fd, mapping, needle, scan, mapping_kind(mapping.path));
    }
    ::close(fd);
    scan.ok = scan.bytes_read > 0;
    if (!scan.ok) {
        scan.error = "nothing readable in " + mem_path;
    }
    return scan;
}

}  // namespace taskhost_test
