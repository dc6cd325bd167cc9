#include "util/json_spans.h"

#include <cstdint>

namespace taskhost {
namespace {

bool is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

bool is_hex(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// One checking pass. Every step advances `at` or fails, so the pass is linear; nesting is
// bounded by the depth limit, so the recursion is too.
class SpanChecker {
  public:
    SpanChecker(std::string_view text, size_t max_depth) : text_(text), max_depth_(max_depth) {}

    bool value(size_t depth) {
        skip_blanks();
        if (at_ >= text_.size()) {
            return fail("ends where a value was expected");
        }
        switch (text_[at_]) {
            case '{':
                return container(depth, '}', true);
            case '[':
                return container(depth, ']', false);
            case '"':
                return string();
            case 't':
                return literal("true");
            case 'f':
                return literal("false");
            case 'n':
                return literal("null");
            default:
                return number();
        }
    }

    void skip_blanks() {
        while (at_ < text_.size() && is_blank(text_[at_])) {
            ++at_;
        }
    }

    size_t at() const { return at_; }
    const std::string& problem() const { return problem_; }
    bool fail(const std::string& problem) {
        problem_ = problem + " at byte " + std::to_string(at_);
        return false;
    }

  private:
    bool container(size_t depth, char close, bool object) {
        if (depth + 1 > max_depth_) {
            return fail("nests deeper than " + std::to_string(max_depth_));
        }
        ++at_;
        skip_blanks();
        if (at_ < text_.size() && text_[at_] == close) {
            ++at_;
            return true;
        }
        for (;;) {
            if (object && !member_key()) {
                return false;
            }
            if (!value(depth + 1)) {
                return false;
            }
            skip_blanks();
            if (at_ >= text_.size()) {
                return fail("ends inside an " + std::string(object ? "object" : "array"));
            }
            if (text_[at_] == close) {
                ++at_;
                return true;
            }
            if (text_[at_] != ',') {
                return fail(std::string("has no ',' or '") + close + "' where one was expected");
            }
            ++at_;
        }
    }

    bool member_key() {
        skip_blanks();
        if (at_ >= text_.size() || text_[at_] != '"') {
            return fail("has no key where one was expected");
        }
        if (!string()) {
            return false;
        }
        skip_blanks();
        if (at_ >= text_.size() || text_[at_] != ':') {
            return fail("has no ':' after a key");
        }
        ++at_;
        return true;
    }

    bool string() {
        ++at_;  // the opening quote
        while (at_ < text_.size()) {
            const unsigned char c = static_cast<unsigned char>(text_[at_]);
            if (c == '"') {
                ++at_;
                return true;
            }
            if (c < 0x20) {
                return fail("has a control character inside a string");
            }
            if (c == '\\' && !escape()) {
                return false;
            }
            if (c >= 0x80 && !utf8()) {
                return false;
            }
            ++at_;
        }
        return fail("ends inside a string");
    }

    // At the backslash; leaves `at_` on the escape's last character.
    bool escape() {
        if (at_ + 1 >= text_.size()) {
            return fail("ends inside an escape");
        }
        const char kind = text_[++at_];
        if (kind == 'u') {
            for (int i = 0; i < 4; ++i) {
                if (at_ + 1 >= text_.size() || !is_hex(text_[at_ + 1])) {
                    return fail("has a \\u escape without four hex digits");
                }
                ++at_;
            }
            return true;
        }
        const std::string_view simple = "\"\\/bfnrt";
        return simple.find(kind) != std::string_view::npos || fail("has an unknown escape");
    }

    // At a byte of 0x80 or more: one well-formed UTF-8 sequence (RFC 3629: no overlong form, no
    // surrogate, nothing past U+10FFFF); leaves `at_` on its last byte.
    bool utf8() {
        const unsigned char lead = static_cast<unsigned char>(text_[at_]);
        const size_t extra = lead >= 0xC2 && lead <= 0xDF   ? 1
                             : lead >= 0xE0 && lead <= 0xEF ? 2
                             : lead >= 0xF0 && lead <= 0xF4 ? 3
                                                            : 0;
        if (extra == 0 || at_ + extra >= text_.size()) {
            return fail("has a byte that is not UTF-8 inside a string");
        }
        uint32_t code = lead & (0x3F >> extra);
        for (size_t i = 1; i <= extra; ++i) {
            const unsigned char next = static_cast<unsigned char>(text_[at_ + i]);
            if ((next & 0xC0) != 0x80) {
                return fail("has a byte that is not UTF-8 inside a string");
            }
            code = (code << 6) | (next & 0x3F);
        }
        const bool overlong = (extra == 2 && code < 0x800) || (extra == 3 && code < 0x10000);
        if (overlong || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
            return fail("has a byte that is not UTF-8 inside a string");
        }
        at_ += extra;
        return true;
    }

    bool literal(std::string_view word) {
        if (text_.substr(at_, word.size()) != word) {
            return fail("has an unknown word");
        }
        at_ += word.size();
        return true;
    }

    bool digits() {
        const size_t from = at_;
        while (at_ < text_.size() && is_digit(text_[at_])) {
            ++at_;
        }
        return at_ > from;
    }

    bool number() {
        if (text_[at_] == '-') {
            ++at_;
        }
        if (at_ < text_.size() && text_[at_] == '0') {
            ++at_;
        } else if (!digits()) {
            return fail("has no value where one was expected");
        }
        if (at_ < text_.size() && text_[at_] == '.') {
            ++at_;
            if (!digits()) {
                return fail("has a number without digits after its '.'");
            }
        }
        if (at_ < text_.size() && (text_[at_] == 'e' || text_[at_] == 'E')) {
            ++at_;
            if (at_ < text_.size() && (text_[at_] == '+' || text_[at_] == '-')) {
                ++at_;
            }
            if (!digits()) {
                return fail("has a number without digits in its exponent");
            }
        }
        return true;
    }

    std::string_view text_;
    size_t max_depth_;
    size_t at_ = 0;
    std::string problem_;
};

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
    SpanChecker checker(text, max_depth);
    checker.skip_blanks();
    const size_t begin = checker.at();
    if (!checker.value(0)) {
        return HostError{what, "is not well-formed JSON: it " + checker.problem(),
                         "send one JSON value"};
    }
    const size_t end = checker.at();
    checker.skip_blanks();
    if (checker.at() != text.size()) {
        checker.fail("has more after its value");
        return HostError{what, "is not well-formed JSON: it " + checker.problem(),
                         "send one JSON value"};
    }
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
