#include "util/mount_info.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cstdio>
#include <functional>
#include <sstream>
#include <vector>

namespace taskhost {
namespace {

bool is_octal(char c) {
    return c >= '0' && c <= '7';
}

std::vector<std::string> split_on_spaces(const std::string& line) {
    std::vector<std::string> fields;
    std::istringstream in(line);
    for (std::string field; in >> field;) {
        fields.push_back(field);
    }
    return fields;
}

bool parse_device(const std::string& text, MountEntry& entry) {
    return std::sscanf(text.c_str(), "%u:%u", &entry.major, &entry.minor) == 2;
}

// `mount_point` is `path` or one of its parents.
bool contains(const std::string& mount_point, const std::string& path) {
    if (mount_point == "/") {
        return !path.empty() && path[0] == '/';
    }
    return path.compare(0, mount_point.size(), mount_point) == 0 &&
           (path.size() == mount_point.size() || path[mount_point.size()] == '/');
}

// Keeps the best entry for one path among the lines it is shown.
class MountMatcher {
  public:
    MountMatcher(const std::string& path, dev_t dev) : path_(path), dev_(dev) {}

    void consider(const std::string& line) {
        std::optional<MountEntry> entry = parse_mountinfo_line(line);
        if (!entry || !contains(entry->mount_point, path_)) {
            return;
        }
        const bool same_device = entry->major == major(dev_) && entry->minor == minor(dev_);
        const size_t length = entry->mount_point.size();
        // A mount of the path's own device beats any other; then the longest; then the last.
        if (best_ && (same_device_ && !same_device)) {
            return;
        }
        if (best_ && same_device_ == same_device && length < best_->mount_point.size()) {
            return;
        }
        best_ = std::move(entry);
        same_device_ = same_device;
    }
    std::optional<MountEntry> best() const { return best_; }

  private:
    const std::string path_;
    const dev_t dev_;
    std::optional<MountEntry> best_;
    bool same_device_ = false;
};

// Calls `each` with every line of `file` up to the limits; longer lines are skipped whole.
void for_each_bounded_line(std::FILE* file, const std::function<void(const std::string&)>& each) {
    std::string line;
    bool too_long = false;
    size_t lines = 0;
    for (int c = std::fgetc(file); c != EOF && lines < kMaxMountinfoLines; c = std::fgetc(file)) {
        if (c != '\n') {
            too_long = too_long || line.size() >= kMaxMountinfoLineBytes;
            if (!too_long) {
                line.push_back(static_cast<char>(c));
            }
            continue;
        }
        if (!too_long) {
            each(line);
        }
        ++lines;
        line.clear();
        too_long = false;
    }
    if (!line.empty() && !too_long && lines < kMaxMountinfoLines) {
        each(line);
    }
}

}  // namespace

std::string unescape_mount_field(const std::string& field) {
    std::string out;
    out.reserve(field.size());
    for (size_t i = 0; i < field.size(); ++i) {
        // "\ooo" with a value below 256: a byte the kernel escaped.
        if (field[i] == '\\' && i + 3 < field.size() && field[i + 1] >= '0' &&
            field[i + 1] <= '3' && is_octal(field[i + 2]) && is_octal(field[i + 3])) {
            out.push_back(static_cast<char>((field[i + 1] - '0') * 64 + (field[i + 2] - '0') * 8 +
                                            (field[i + 3] - '0')));
            i += 3;
            continue;
        }
        out.push_back(field[i]);
    }
    return out;
}

std::optional<MountEntry> parse_mountinfo_line(const std::string& line) {
    if (line.size() > kMaxMountinfoLineBytes) {
        return std::nullopt;
    }
    const std::vector<std::string> fields = split_on_spaces(line);
    // id parent major:minor root mount-point options [optional...] - type source super-options
    size_t separator = 6;
    while (separator < fields.size() && fields[separator] != "-") {
        ++separator;
    }
    MountEntry entry;
    if (separator + 2 >= fields.size() || !parse_device(fields[2], entry)) {
        return std::nullopt;
    }
    entry.mount_point = unescape_mount_field(fields[4]);
    entry.mount_options = fields[5];
    entry.fs_type = fields[separator + 1];
    entry.source = unescape_mount_field(fields[separator + 2]);
    return entry;
}

std::optional<MountEntry> find_mount(const std::string& mountinfo, const std::string& path,
                                     dev_t dev) {
    MountMatcher matcher(path, dev);
    size_t start = 0;
    for (size_t lines = 0; start < mountinfo.size() && lines < kMaxMountinfoLines; ++lines) {
        size_t end = mountinfo.find('\n', start);
        if (end == std::string::npos) {
            end = mountinfo.size();
        }
        if (end - start <= kMaxMountinfoLineBytes) {
            matcher.consider(mountinfo.substr(start, end - start));
        }
        start = end + 1;
    }
    return matcher.best();
}

std::optional<MountEntry> mount_of(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        return std::nullopt;
    }
    std::FILE* file = std::fopen("/proc/self/mountinfo", "re");
    if (file == nullptr) {
        return std::nullopt;
    }
    MountMatcher matcher(path, st.st_dev);
    for_each_bounded_line(file, [&matcher](const std::string& line) { matcher.consider(line); });
    std::fclose(file);
    return matcher.best();
}

}  // namespace taskhost
