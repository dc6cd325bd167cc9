#include "cli/manifest_args.h"

#include <set>

#include "util/bounded_json.h"

namespace taskhost {

Result<ManifestOptions> parse_manifest_args(ManifestMode mode,
                                            const std::vector<std::string>& args) {
    const std::string command = mode == ManifestMode::kApply ? "apply" : "plan";
    const std::string see = "see taskhost " + command + " --help";
    ManifestOptions options;
    options.mode = mode;
    try {
        std::set<std::string> seen;
        bool flags_done = false;
        for (size_t i = 0; i < args.size(); ++i) {
            const std::string& word = args[i];
            if (flags_done || word.empty() || word[0] != '-' || word == "-") {
                options.paths.push_back(word);
                continue;
            }
            if (word == "--") {
                flags_done = true;
                continue;
            }
            const size_t equals = word.find('=');
            const std::string name = word.substr(0, equals);
            if (!seen.insert(name).second) {
                fail(name, "is given twice", "give it once");
            }
            bool* const switch_target =
                name == "--help" || name == "-h"                    ? &options.help
                : name == "--strict"                                ? &options.strict
                : name == "--json"                                  ? &options.json
                : name == "--verbose"                               ? &options.verbose
                : name == "--detailed-exitcodes"                    ? &options.detailed_exitcodes
                : name == "--force" && mode == ManifestMode::kApply ? &options.force
                                                                    : nullptr;
            if (switch_target != nullptr) {
                if (equals != std::string::npos) {
                    fail(name, "takes no value", "write " + name + " alone");
                }
                *switch_target = true;
                continue;
            }
            if (name != "--config" && name != "--state-dir" && name != "--concurrency") {
                fail(printable(name, 64), "is not a flag of taskhost " + command, see);
            }
            std::string value;
            if (equals != std::string::npos) {
                value = word.substr(equals + 1);
            } else if (i + 1 < args.size()) {
                value = args[++i];
            } else {
                fail(name, "needs a value", "write " + name + " VALUE");
            }
            if (value.empty()) {
                fail(name, "has an empty value", "write " + name + " VALUE");
            }
            if (name == "--config") {
                options.config = value;
            } else if (name == "--state-dir") {
                options.state_dir = value;
            } else {
                size_t used = 0;
                unsigned long number = 0;
                try {
                    number = std::stoul(value, &used);
                } catch (const std::exception&) {
                    used = 0;
                }
                if (used != value.size() || number < 1 || number > kMaxManifestConcurrency) {
                    fail("--concurrency",
                         "\"" + printable(value, 20) + "\" is not a number of tasks",
                         "write a whole number from 1 to " +
                             std::to_string(kMaxManifestConcurrency));
                }
                options.concurrency = number;
            }
        }
        if (options.paths.empty() && !options.help) {
            fail("PATH", "is missing",
                 "write taskhost " + command + " PATH... (manifest files or directories of them)");
        }
        return options;
    } catch (const HostErrorException& e) {
        return e.error();
    }
}

}  // namespace taskhost
