#include "util/json_spans.h"

#include "util/json_syntax_error.h"

namespace taskhost {
namespace {

bool is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// For spans already checked: the end of the value that starts at `at`.
size_t value_end(std::string_view text, size_t at) {
    int depth = 0;
    bool in_string = false;
    for (; at < text.size(); ++at) {
        const char c = text[at];
        if (in_string) {
            if (c == '\\') {
                ++at;
            } else if (c == '"') {
                in_string = false;
                if (depth == 0) {
                    return at + 1;
                }
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            ++depth;
        } else if (c == '}' || c == ']') {
            if (depth == 0) {
                return at;  // the end of the container around a scalar
            }
            if (--depth == 0) {
                return at + 1;
            }
        } else if (depth == 0 && (c == ',' || is_blank(c))) {
            return at;
        }
    }
    return at;
}

size_t skip_blanks(std::string_view text, size_t at) {
    while (at < text.size() && is_blank(text[at])) {
        ++at;
    }
    return at;
}

}  // namespace

Result<std::string_view> json_value_span(std::string_view text, size_t max_depth,
                                         const std::string& what) {
    if (const std::optional<JsonSyntaxError> bad = find_json_syntax_error(text, max_depth)) {
        return HostError{what,
                         "is not well-formed JSON: " + bad->problem + " at byte " +
                             std::to_string(bad->offset) + " (line " + std::to_string(bad->line) +
                             ", column " + std::to_string(bad->column) + ")",
                         "send one JSON value"};
    }
    const size_t begin = skip_blanks(text, 0);
    const size_t end = value_end(text, begin);
    return text.substr(begin, end - begin);
}

std::vector<JsonMember> json_object_members(std::string_view object) {
    std::vector<JsonMember> members;
    size_t at = skip_blanks(object, 1);
    while (at < object.size() && object[at] == '"') {
        const size_t key_end = value_end(object, at);
        const std::string_view key = object.substr(at + 1, key_end - at - 2);
        at = skip_blanks(object, key_end);
        at = skip_blanks(object, at + 1);  // past ':'
        const size_t end = value_end(object, at);
        members.push_back(JsonMember{key, object.substr(at, end - at)});
        at = skip_blanks(object, end);
        at = skip_blanks(object, at + 1);  // past ',' (or '}', which ends the loop)
    }
    return members;
}

std::vector<std::string_view> json_array_elements(std::string_view array) {
    std::vector<std::string_view> elements;
    size_t at = skip_blanks(array, 1);
    while (at < array.size() && array[at] != ']') {
        const size_t end = value_end(array, at);
        elements.push_back(array.substr(at, end - at));
        at = skip_blanks(array, end);
        at = skip_blanks(array, at + 1);  // past ','
    }
    return elements;
}

}  // namespace taskhost
