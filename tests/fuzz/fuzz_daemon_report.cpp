// What the daemon answers to a posted plan or apply, as `taskhost plan|apply --socket` reads it:
// whole (split without building it: the JSON check, then the summary and each result), and
// streamed (each line of the input as a result or summary line, printed --json and for people).
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>

#include "cli/manifest_reporter.h"
#include "cli/streamed_report.h"
#include "manifest/manifest_run_json.h"

namespace {

void stream_lines(const std::string& text, bool json) {
    std::ostringstream out;
    std::ostringstream err;
    taskhost::ManifestReporter reporter(out, err, taskhost::ManifestMode::kApply, json, false,
                                        false);
    const taskhost::ManifestRunObserver observer = reporter.observer();
    taskhost::StreamedReport report("fuzz answer", json, observer, reporter);
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        if (report.line(line)) {
            return;  // the client stops reading at the first wrong line
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
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
    stream_lines(text, true);
    stream_lines(text, false);
    return 0;
}
