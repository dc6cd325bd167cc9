#include "plugins/probe_verdict_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <utility>
#include <vector>

#include "util/atomic_file.h"
#include "util/file_trust.h"
#include "util/sha256.h"

namespace taskhost {
namespace {

namespace fs = std::filesystem;

const std::string kHeader = "taskhost-probe-verdict 1\n";
const std::string kSuffix = ".verdict";
constexpr off_t kMaxEntryBytes = 256 * 1024 + 8192;

std::string entry_name(const std::string& key) {
    return sha256_hex(key) + kSuffix;
}

// Owned by this user, and nobody else may write it.
bool owned_and_private(const struct stat& st) {
    return st.st_uid == ::geteuid() && (st.st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

bool read_all(int fd, off_t size, std::string& text) {
    text.resize(static_cast<size_t>(size));
    size_t got = 0;
    while (got < text.size()) {
        const ssize_t n = ::read(fd, &text[got], text.size() - got);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        got += static_cast<size_t>(n);
    }
    return true;
}

// Removes the oldest entries (by mtime) beyond `max_entries`.
void trim(const std::string& dir, size_t max_entries) {
    std::vector<std::pair<fs::file_time_type, fs::path>> entries;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const fs::path& path = it->path();
        if (path.extension() == kSuffix && path.filename().string()[0] != '.') {
            std::error_code time_ec;
            entries.emplace_back(fs::last_write_time(path, time_ec), path);
        }
    }
    if (entries.size() <= max_entries) {
        return;
    }
    std::sort(entries.begin(), entries.end());
    for (size_t i = 0; i + max_entries < entries.size(); ++i) {
        std::error_code ignored;
        fs::remove(entries[i].second, ignored);
    }
}

}  // namespace

bool prepare_verdict_dir(const std::string& dir) {
    if (dir.empty() || dir[0] != '/') {
        return false;
    }
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
        return false;
    }
    struct stat st {};
    if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || !owned_and_private(st)) {
        return false;
    }
    return !check_trusted_ancestors(dir, "plugin probe cache directory");
}

std::optional<std::string> read_verdict_file(const std::string& dir, const std::string& key) {
    const std::string path = dir + "/" + entry_name(key);
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        return std::nullopt;
    }
    struct stat st {};
    std::string text;
    const bool sound = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && owned_and_private(st) &&
                       st.st_size <= kMaxEntryBytes && read_all(fd, st.st_size, text);
    ::close(fd);
    const std::string expected = kHeader + key + "\n";
    const size_t digest_end = expected.size() + 64;  // the JSON's SHA-256, then "\n"
    if (!sound || text.size() <= digest_end || text.compare(0, expected.size(), expected) != 0 ||
        text[digest_end] != '\n') {
        return std::nullopt;
    }
    std::string json = text.substr(digest_end + 1);
    if (sha256_hex(json) != text.substr(expected.size(), 64)) {
        return std::nullopt;  // truncated or altered
    }
    return json;
}

void write_verdict_file(const std::string& dir, const std::string& key, const std::string& json,
                        size_t max_entries) {
    const std::string entry = kHeader + key + "\n" + sha256_hex(json) + "\n" + json;
    if (write_file_atomically(dir, entry_name(key), entry)) {
        return;  // a cache: a failed write only means the next run probes
    }
    trim(dir, max_entries);
}

}  // namespace taskhost
