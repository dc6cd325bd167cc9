// The command lines of `taskhost plan` and `taskhost apply`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/flag_table.h"
#include "manifest/manifest_run.h"
#include "util/host_error.h"

namespace taskhost {

struct ManifestOptions {
    ManifestMode mode = ManifestMode::kPlan;
    std::vector<std::string> paths;
    std::optional<std::string> config;
    std::optional<std::string> state_dir;
    std::optional<std::string> socket;  // the daemon plans or applies (one request per file)
    size_t concurrency = kDefaultManifestConcurrency;
    bool force = false;  // apply only
    bool strict = false;
    bool json = false;
    bool detailed_exitcodes = false;
    bool verbose = false;
    bool help = false;
};

// The flags of `taskhost plan` or `taskhost apply`: what parse_manifest_args reads and what
// their --help lists.
const FlagTable<ManifestOptions>& manifest_flags(ManifestMode mode);

// `args` are the words after "plan" or "apply". Unknown, repeated or valueless flags are errors
// naming the flag.
Result<ManifestOptions> parse_manifest_args(ManifestMode mode,
                                            const std::vector<std::string>& args);

}  // namespace taskhost
