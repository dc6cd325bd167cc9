#include "manifest/manifest_sources.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "util/bounded_json.h"

namespace taskhost {
namespace {

namespace fs = std::filesystem;

bool is_manifest_name(const std::string& name) {
    const std::string suffix = ".json";
    return name.size() > suffix.size() && name[0] != '.' &&
           name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

Result<std::vector<std::string>> expand_manifest_paths(const std::vector<std::string>& paths) {
    std::vector<std::string> files;
    std::set<std::string> seen;
    const auto add = [&](const fs::path& file) {
        const std::string normal = file.lexically_normal().string();
        if (seen.insert(normal).second) {
            files.push_back(normal);
        }
    };
    for (const std::string& path : paths) {
        std::error_code ec;
        const fs::file_status status = fs::status(path, ec);
        if (ec || !fs::exists(status)) {
            return HostError{"PATH " + printable(path, 256), "does not exist",
                             "give a manifest file or a directory of *.json manifests"};
        }
        if (!fs::is_directory(status)) {
            add(path);
        } else {
            std::vector<fs::path> found;
            for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
                if (is_manifest_name(it->path().filename().string()) &&
                    !fs::is_directory(it->path(), ec)) {
                    found.push_back(it->path());
                }
                if (found.size() > kMaxManifestFiles) {
                    break;
                }
            }
            if (ec) {
                return HostError{"PATH " + printable(path, 256),
                                 "cannot be listed: " + ec.message(), "check its permissions"};
            }
            std::sort(found.begin(), found.end());
            for (const fs::path& file : found) {
                add(file);
            }
        }
        if (files.size() > kMaxManifestFiles) {
            return HostError{
                "PATH " + printable(path, 256),
                "brings the count of manifests over " + std::to_string(kMaxManifestFiles),
                "apply fewer manifests at once"};
        }
    }
    if (files.empty()) {
        return HostError{"PATH", "no manifest was found in the paths given",
                         "give manifest files, or directories holding *.json manifests"};
    }
    return files;
}

}  // namespace taskhost
