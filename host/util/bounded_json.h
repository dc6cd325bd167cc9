// Reading JSON that someone else wrote (a config, a spec, a plugin's describe or outcome) with
// limits, so a huge or hostile document is refused with a message instead of eating memory,
// blowing the stack, or silently dropping a duplicated key.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstddef>
#include <string>

#include "util/host_error.h"

namespace taskhost {

struct JsonLimits {
    size_t max_bytes = 1024 * 1024;
    size_t max_depth = 32;  // nested objects/arrays, the top-level object counts as 1
    // Keys in any one object: Poco's order-keeping object scans its keys on every insert, so
    // parsing an object is quadratic in its keys; none of taskhost's documents needs many.
    size_t max_keys = 256;
};

// Parses `text` as one JSON object. `what` names the source in errors ("config /etc/x.json").
// Refuses: more than max_bytes, nesting deeper than max_depth, more than max_keys in an object, a
// key given twice in one object (Poco keeps the last one silently; compared decoded), an
// integer outside 64 bits (Poco wraps it), syntax errors, and a top level that is not an object.
Result<Poco::JSON::Object::Ptr> parse_json_object(const std::string& text, const JsonLimits& limits,
                                                  const std::string& what);

// Reads a whole file, refusing one larger than max_bytes (without reading past the limit).
Result<std::string> read_bounded_file(const std::string& path, size_t max_bytes,
                                      const std::string& what);

// Reads a whole stream, refusing more than max_bytes.
Result<std::string> read_bounded_stream(std::istream& in, size_t max_bytes,
                                        const std::string& what);

// `raw` made safe for a message: printable ASCII only, at most `max` characters.
std::string printable(const std::string& raw, size_t max = 200);

// "$.accounts" + "prod-us" -> "$.accounts.prod-us"; keys that are not plain identifiers are
// quoted: $.accounts["a b"].
std::string json_path_child(const std::string& parent, const std::string& key);
std::string json_path_index(const std::string& parent, size_t index);

// The JSON type of a value, as a user would say it: "a string", "an integer", "an object"...
std::string json_type_name(const Poco::Dynamic::Var& value);

// Letters, digits, '_', '-' and '.', 1 to `max_chars` long: task names, param names, and keys
// that a JSON path shows without quotes.
bool is_identifier(const std::string& text, size_t max_chars = 128);

bool is_json_object(const Poco::Dynamic::Var& value);
bool is_json_array(const Poco::Dynamic::Var& value);

// Compact one-line JSON.
std::string to_json(const Poco::JSON::Object::Ptr& object);

}  // namespace taskhost
