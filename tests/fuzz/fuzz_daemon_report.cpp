// What the daemon answers to a posted plan or apply, as `taskhost plan|apply --socket --json`
// splits it without building it (the JSON span check, then the summary and each result).
#include <cstdint>
#include <string>
#include <string_view>

#include "manifest/manifest_run_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto split = taskhost::split_report_text(text, "fuzz answer");
    if (split.ok()) {
        size_t bytes = 0;
        for (const std::string_view result : split.value().results) {
            bytes += result.size();  // every span lies inside the input
        }
        if (bytes > size) {
            __builtin_trap();
        }
    }
    return 0;
}
