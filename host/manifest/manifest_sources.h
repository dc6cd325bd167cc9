// Which files `taskhost plan|apply PATH...` reads: each PATH is a manifest file or a directory
// whose *.json files (not recursive, not hidden, in name order) are manifests.
#pragma once

#include <string>
#include <vector>

#include "util/host_error.h"

namespace taskhost {

constexpr size_t kMaxManifestFiles = 1000;

// Files in the order given (a directory's in name order), each once. An error names the PATH
// that does not exist or cannot be listed, or a set of paths that holds no manifest at all.
Result<std::vector<std::string>> expand_manifest_paths(const std::vector<std::string>& paths);

}  // namespace taskhost
