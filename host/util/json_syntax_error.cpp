#include "util/json_syntax_error.h"

#include <vector>

namespace taskhost {
namespace {

// What may come next at the current position.
enum class Expect { kValue, kValueOrClose, kKeyOrClose, kKey, kColon, kCommaOrClose, kEnd };

class Validator {
  public:
    Validator(std::string_view text, size_t max_depth) : text_(text), max_depth_(max_depth) {}

    std::optional<JsonSyntaxError> run() {
        Expect expect = Expect::kValue;
        for (;;) {
            skip_space();
            if (pos_ == text_.size()) {
                return at_end(expect);
            }
            if (auto bad = step(text_[pos_], expect)) {
                return bad;
            }
        }
    }

  private:
    std::optional<JsonSyntaxError> at_end(Expect expect) {
        if (expect == Expect::kEnd) {
            return std::nullopt;
        }
        if (stack_.empty()) {
            return error("the document is empty");
        }
        return error(std::string("the document ends before its last ") +
                     (stack_.back() == '{' ? "object ('}')" : "array (']')") + " is closed");
    }

    // Reads the token at pos_ (c) and sets what may come next, or says what is wrong.
    std::optional<JsonSyntaxError> step(char c, Expect& expect) {
        switch (expect) {
            case Expect::kEnd:
                return error("unexpected text after the end of the document");
            case Expect::kColon:
                if (c != ':') {
                    return error("expected ':' after a member name, found " + shown(c));
                }
                ++pos_;
                expect = Expect::kValue;
                return std::nullopt;
            case Expect::kCommaOrClose:
                return comma_or_close(c, expect);
            case Expect::kKeyOrClose:
            case Expect::kKey:
                return key_or_close(c, expect);
            case Expect::kValueOrClose:
                if (c == ']') {
                    close(expect);
                    return std::nullopt;
                }
                [[fallthrough]];
            case Expect::kValue:
                return value(c, expect);
        }
        return std::nullopt;
    }

    void close(Expect& expect) {
        ++pos_;
        stack_.pop_back();
        expect = after_value();
    }

    std::optional<JsonSyntaxError> comma_or_close(char c, Expect& expect) {
        const char closer = stack_.back() == '{' ? '}' : ']';
        if (c == ',') {
            ++pos_;
            expect = stack_.back() == '{' ? Expect::kKey : Expect::kValue;
        } else if (c == closer) {
            close(expect);
        } else {
            return error(std::string("expected ',' or '") + closer + "', found " + shown(c));
        }
        return std::nullopt;
    }

    std::optional<JsonSyntaxError> key_or_close(char c, Expect& expect) {
        if (c == '}' && expect == Expect::kKeyOrClose) {
            close(expect);
            return std::nullopt;
        }
        if (c != '"') {
            return error(expect == Expect::kKey && c == '}'
                             ? "a ',' before '}' (trailing commas are not JSON)"
                             : "expected a member name in double quotes, found " + shown(c));
        }
        if (auto bad = scan_string()) {
            return bad;
        }
        expect = Expect::kColon;
        return std::nullopt;
    }

    std::optional<JsonSyntaxError> value(char c, Expect& expect) {
        if (c == '{' || c == '[') {
            if (stack_.size() >= max_depth_) {
                return error("objects and arrays nested deeper than " + std::to_string(max_depth_));
            }
            stack_.push_back(c);
            ++pos_;
            expect = c == '{' ? Expect::kKeyOrClose : Expect::kValueOrClose;
            return std::nullopt;
        }
        if (c == ']' && !stack_.empty() && stack_.back() == '[') {
            return error("a ',' before ']' (trailing commas are not JSON)");
        }
        if (auto bad = scan_scalar()) {
            return bad;
        }
        expect = after_value();
        return std::nullopt;
    }

    Expect after_value() const { return stack_.empty() ? Expect::kEnd : Expect::kCommaOrClose; }

    void skip_space() {
        while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                       text_[pos_] == '\n' || text_[pos_] == '\r')) {
            ++pos_;
        }
    }

    static std::string shown(char c) {
        const unsigned char u = static_cast<unsigned char>(c);
        if (u >= 0x20 && u < 0x7f) {
            return std::string("'") + c + "'";
        }
        static const char* hex = "0123456789abcdef";
        return std::string("byte 0x") + hex[u >> 4] + hex[u & 15];
    }

    std::optional<JsonSyntaxError> error(std::string problem) const {
        JsonSyntaxError found;
        found.offset = pos_;
        found.problem = std::move(problem);
        for (size_t i = 0; i < pos_ && i < text_.size(); ++i) {
            if (text_[i] == '\n') {
                ++found.line;
                found.column = 1;
            } else {
                ++found.column;
            }
        }
        return found;
    }

    static bool is_hex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    std::optional<JsonSyntaxError> scan_string() {
        ++pos_;  // the opening quote
        while (pos_ < text_.size()) {
            const unsigned char c = static_cast<unsigned char>(text_[pos_]);
            if (c == '"') {
                ++pos_;
                return std::nullopt;
            }
            if (c < 0x20) {
                return error("a control character inside a string (write \\n, \\t... instead)");
            }
            if (c >= 0x80) {
                if (!skip_utf8()) {
                    return error("a byte that is not UTF-8 inside a string");
                }
                continue;
            }
            if (c == '\\') {
                ++pos_;
                if (pos_ == text_.size()) {
                    break;
                }
                const char e = text_[pos_];
                if (e == 'u') {
                    for (int i = 1; i <= 4; ++i) {
                        if (pos_ + i >= text_.size() || !is_hex(text_[pos_ + i])) {
                            pos_ += i;
                            return error("\\u needs four hex digits");
                        }
                    }
                    pos_ += 4;
                } else if (std::string("\"\\/bfnrt").find(e) == std::string::npos) {
                    return error("an unknown escape \\" + std::string(1, e) + " in a string");
                }
            }
            ++pos_;
        }
        return error("a string is not closed (missing '\"')");
    }

    // One multi-byte UTF-8 sequence at pos_ (well-formed per RFC 3629: no overlongs, no
    // surrogates, nothing past U+10FFFF); advances past it.
    bool skip_utf8() {
        const auto byte = [&](size_t i) {
            return pos_ + i < text_.size() ? static_cast<unsigned char>(text_[pos_ + i]) : 0;
        };
        const unsigned char lead = byte(0);
        size_t length = 0;
        unsigned char low = 0x80, high = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            length = 2;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            length = 3;
            low = lead == 0xE0 ? 0xA0 : 0x80;
            high = lead == 0xED ? 0x9F : 0xBF;
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            length = 4;
            low = lead == 0xF0 ? 0x90 : 0x80;
            high = lead == 0xF4 ? 0x8F : 0xBF;
        } else {
            return false;
        }
        if (byte(1) < low || byte(1) > high) {
            return false;
        }
        for (size_t i = 2; i < length; ++i) {
            if (byte(i) < 0x80 || byte(i) > 0xBF) {
                return false;
            }
        }
        pos_ += length;
        return true;
    }

    bool digits() {
        const size_t start = pos_;
        while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
            ++pos_;
        }
        return pos_ > start;
    }

    std::optional<JsonSyntaxError> scan_scalar() {
        const char c = text_[pos_];
        if (c == '"') {
            return scan_string();
        }
        for (const char* word : {"true", "false", "null"}) {
            const std::string literal(word);
            if (text_.compare(pos_, literal.size(), literal) == 0) {
                pos_ += literal.size();
                return std::nullopt;
            }
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            if (c == '-') {
                ++pos_;
            }
            if (pos_ < text_.size() && text_[pos_] == '0') {
                ++pos_;
            } else if (!digits()) {
                return error("a number needs digits after '-'");
            }
            if (pos_ < text_.size() && text_[pos_] == '.') {
                ++pos_;
                if (!digits()) {
                    return error("a number needs digits after '.'");
                }
            }
            if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
                ++pos_;
                if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) {
                    ++pos_;
                }
                if (!digits()) {
                    return error("a number needs digits in its exponent");
                }
            }
            return std::nullopt;
        }
        if (c == '\'') {
            return error("strings use double quotes, not single quotes");
        }
        return error(
            "expected a value (a string, number, object, array, true, false or "
            "null), found " +
            shown(c));
    }

    std::string_view text_;
    size_t max_depth_;
    size_t pos_ = 0;
    std::vector<char> stack_;
};

}  // namespace

std::optional<JsonSyntaxError> find_json_syntax_error(std::string_view text, size_t max_depth) {
    return Validator(text, max_depth).run();
}

}  // namespace taskhost
