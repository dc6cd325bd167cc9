// JSON text split without building it: the text is checked to be one well-formed JSON value
// (json_syntax_error.h: RFC 8259, well-formed UTF-8, nesting at most a limit), then the byte spans
// of an object's members or an array's elements are found, so that the parts of a large
// document can be passed on as they were written. Strings are not decoded: a key is compared
// as written, a span handed on as it is.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "util/host_error.h"

namespace taskhost {

struct JsonMember {
    std::string_view key;    // between its quotes, as written (escapes not resolved)
    std::string_view value;  // the value's text, without the blanks around it
};

// `text` is one JSON value, blanks around it allowed. The error names the byte offset.
Result<std::string_view> json_value_span(std::string_view text, size_t max_depth,
                                         const std::string& what);

// The members of a checked object span, and the elements of a checked array span, in order.
// Called on a span json_value_span gave (or a part of it these gave): they do not check again.
std::vector<JsonMember> json_object_members(std::string_view object);
std::vector<std::string_view> json_array_elements(std::string_view array);

}  // namespace taskhost
