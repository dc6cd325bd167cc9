// The host's JSON reading (parse_json_object, and json_tree under it) against Poco's parser on any
// bytes: parse_json_object answers without crashing; and wherever the text is well-formed JSON
// that Poco's parser reads, json_tree builds the same values of the same types in the same key
// order, or leaves the text to Poco. Any difference aborts.
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "util/bounded_json.h"
#include "util/json_syntax_error.h"
#include "util/json_tree.h"

namespace {

using Poco::Dynamic::Var;

constexpr size_t kDepth = 64;

std::string shown(const Var& value) {
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(value, out);
    return out.str();
}

void same_types(const Var& built, const Var& parsed) {
    if (built.type() != parsed.type()) {
        std::abort();
    }
    if (taskhost::is_json_object(parsed)) {
        const auto a = built.extract<Poco::JSON::Object::Ptr>();
        for (const auto& [key, value] : *parsed.extract<Poco::JSON::Object::Ptr>()) {
            same_types(a->get(key), value);
        }
    } else if (taskhost::is_json_array(parsed)) {
        const auto a = built.extract<Poco::JSON::Array::Ptr>();
        const auto b = parsed.extract<Poco::JSON::Array::Ptr>();
        for (unsigned i = 0; i < b->size(); ++i) {
            same_types(a->get(i), b->get(i));
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    auto object =
        taskhost::parse_json_object(text, taskhost::JsonLimits{1 << 20, kDepth, 256}, "fuzz.json");
    (void)object;

    // Poco's handler wants a container at the top: both read the text inside an array.
    const std::string wrapped = "[" + text + "]";
    if (size > (1 << 16) || taskhost::find_json_syntax_error(wrapped, kDepth)) {
        return 0;
    }
    const std::optional<Var> built = taskhost::json_tree(wrapped);
    Var parsed;
    try {
        Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
        parser.setDepth(kDepth + 1);
        parsed = parser.parse(wrapped);
    } catch (const Poco::Exception&) {
        if (built) {
            std::abort();  // json_tree read what Poco's parser refuses
        }
        return 0;
    }
    if (built) {
        if (shown(*built) != shown(parsed)) {
            std::abort();
        }
        same_types(*built, parsed);
    }
    return 0;
}
