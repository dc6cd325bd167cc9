// Where a JSON document stops being JSON, as a line and a column. Poco's parser says what went
// wrong ("unexpected byte ','") but not where, and a person fixing a 400-task manifest needs
// the where. This is a small RFC 8259 validator that only locates the first error; what it
// passes, json_tree builds into Poco's values (bounded_json.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace taskhost {

struct JsonSyntaxError {
    size_t offset = 0;  // byte offset of the offending byte (the text's size at a premature end)
    size_t line = 1;    // 1-based
    size_t column = 1;  // 1-based, in bytes
    std::string problem;
};

// The first syntax error of `text` as one JSON document, or nullopt when it is valid JSON.
// Iterative, so nesting depth costs heap, not stack; nesting deeper than `max_depth` objects
// and arrays is an error too.
std::optional<JsonSyntaxError> find_json_syntax_error(std::string_view text,
                                                      size_t max_depth = SIZE_MAX);

}  // namespace taskhost
