// The manifest parser: any bytes give a manifest or problems naming the file, never a crash.
// And the syntax locator agrees with Poco's parser on what is JSON: a document Poco parses has
// no syntax error, and one the locator calls valid parses (within the manifest's limits), so a
// syntax error always gets its line and column.
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "manifest/json_syntax_error.h"
#include "manifest/manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const taskhost::Manifest manifest = taskhost::parse_manifest(text, "/fuzz/manifest.json");
    if (manifest.file_failed() && !manifest.tasks.empty()) {
        std::abort();  // a file that failed must not run any task
    }
    const bool locator_valid = !taskhost::find_json_syntax_error(text).has_value();
    bool poco_valid = true;
    try {
        Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
        parser.setDepth(1000);
        parser.parse(text);
    } catch (const Poco::Exception&) {
        poco_valid = false;
    }
    if (locator_valid != poco_valid && text.size() < 4096) {
        std::fprintf(stderr, "the locator says %s, Poco says %s\n",
                     locator_valid ? "valid" : "invalid", poco_valid ? "valid" : "invalid");
        std::abort();
    }
    return 0;
}
