// The manifest parser: any bytes give a manifest or problems naming the file, never a crash,
// and a file that failed runs no task. The syntax locator runs on every input too.
//
// An earlier version also required the locator and Poco's parser to agree on what is JSON.
// They rightly disagree in ways that do not matter here: Poco 1.11 refuses some bare scalars
// (`777`) and integers beyond 64 bits, which RFC 8259 allows, and accepts trailing bytes after
// the top-level value, which it forbids. The manifest parser runs the locator first and Poco
// after it, so each of those still ends in an error naming the file.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "manifest/manifest.h"
#include "util/json_syntax_error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const taskhost::Manifest manifest = taskhost::parse_manifest(text, "/fuzz/manifest.json");
    if (manifest.file_failed() && !manifest.tasks.empty()) {
        std::abort();  // a file that failed must not run any task
    }
    const auto syntax = taskhost::find_json_syntax_error(text);
    if (syntax && (syntax->line < 1 || syntax->column < 1)) {
        std::abort();  // a syntax error always points at a real line and column
    }
    return 0;
}
