#include "util/json_prescan.h"

#include <set>
#include <vector>

#include "util/bounded_json.h"

namespace taskhost {
namespace {

// One container the scanner is inside.
struct Level {
    bool is_object = false;
    bool expect_key = false;
    size_t index = 0;
    std::string key;
    std::set<std::string> keys;
};

std::string path_of(const std::vector<Level>& stack, size_t depth) {
    std::string path = "$";
    for (size_t i = 0; i < depth; ++i) {
        const Level& level = stack[i];
        path =
            level.is_object ? json_path_child(path, level.key) : json_path_index(path, level.index);
    }
    return path;
}

void append_utf8(std::string& out, unsigned code) {
    if (code < 0x80) {
        out += static_cast<char>(code);
    } else if (code < 0x800) {
        out += static_cast<char>(0xC0 | (code >> 6));
        out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
        out += static_cast<char>(0xE0 | (code >> 12));
        out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (code >> 18));
        out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code & 0x3F));
    }
}

bool hex4(std::string_view raw, size_t at, unsigned& value) {
    if (at + 4 > raw.size()) {
        return false;
    }
    value = 0;
    for (size_t i = at; i < at + 4; ++i) {
        const char c = raw[i];
        const int digit = c >= '0' && c <= '9'   ? c - '0'
                          : c >= 'a' && c <= 'f' ? c - 'a' + 10
                          : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                 : -1;
        if (digit < 0) {
            return false;
        }
        value = value * 16 + static_cast<unsigned>(digit);
    }
    return true;
}

// Whether the integer literal `digits` (no sign, no leading zeros) fits: up to 2^64 - 1, or
// 2^63 when negative.
bool integer_fits(const std::string& digits, bool negative) {
    static const std::string kMaxUnsigned = "18446744073709551615";
    static const std::string kMaxNegative = "9223372036854775808";
    const std::string& limit = negative ? kMaxNegative : kMaxUnsigned;
    return digits.size() < limit.size() || (digits.size() == limit.size() && digits <= limit);
}

// Reads the number starting at `i`; returns where it ends. Sets `literal` when it is an integer
// (no fraction, no exponent) that does not fit in 64 bits.
size_t scan_number(const std::string& text, size_t i, std::string& literal) {
    const size_t start = i;
    const bool negative = text[i] == '-';
    i += negative ? 1 : 0;
    size_t digits_start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
        ++i;
    }
    std::string digits = text.substr(digits_start, i - digits_start);
    const bool integer = i >= text.size() || (text[i] != '.' && text[i] != 'e' && text[i] != 'E');
    while (i < text.size() &&
           (text[i] == '.' || text[i] == 'e' || text[i] == 'E' || text[i] == '+' ||
            text[i] == '-' || (text[i] >= '0' && text[i] <= '9'))) {
        ++i;
    }
    const size_t first = digits.find_first_not_of('0');
    digits = first == std::string::npos ? "0" : digits.substr(first);
    if (integer && !integer_fits(digits, negative)) {
        literal = text.substr(start, std::min<size_t>(i - start, 40));
    }
    return i;
}

}  // namespace

std::string decode_json_string(std::string_view raw, bool* kept_lone_surrogate) {
    if (raw.find('\\') == std::string_view::npos) {
        return std::string(raw);
    }
    std::string out;
    out.reserve(raw.size());
    for (size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] != '\\' || i + 1 >= raw.size()) {
            out += raw[i];
            continue;
        }
        const char e = raw[++i];
        unsigned code = 0;
        switch (e) {
            case 'b':
                out += '\b';
                break;
            case 'f':
                out += '\f';
                break;
            case 'n':
                out += '\n';
                break;
            case 'r':
                out += '\r';
                break;
            case 't':
                out += '\t';
                break;
            case 'u':
                if (!hex4(raw, i + 1, code)) {
                    out += "\\u";
                    break;
                }
                i += 4;
                if (code >= 0xD800 && code < 0xDC00 && i + 6 < raw.size() + 0 &&
                    raw.compare(i + 1, 2, "\\u") == 0) {
                    unsigned low = 0;
                    if (hex4(raw, i + 3, low) && low >= 0xDC00 && low < 0xE000) {
                        append_utf8(out, 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00));
                        i += 6;
                        break;
                    }
                }
                if (code >= 0xD800 && code < 0xE000) {
                    out += raw.substr(i - 5, 6);  // a lone surrogate: kept as written
                    if (kept_lone_surrogate != nullptr) {
                        *kept_lone_surrogate = true;
                    }
                } else {
                    append_utf8(out, code);
                }
                break;
            default:
                out += e;
                break;  // \" \\ \/ and anything Poco then refuses
        }
    }
    return out;
}

JsonPrescan prescan_json(const std::string& text, size_t max_depth, size_t max_keys) {
    JsonPrescan found;
    std::vector<Level> stack;
    size_t i = 0;
    while (i < text.size()) {
        const char c = text[i];
        if (c == '"') {
            size_t end = i + 1;
            while (end < text.size() && text[end] != '"') {
                end += text[end] == '\\' ? 2 : 1;
            }
            if (!stack.empty() && stack.back().is_object && stack.back().expect_key) {
                Level& level = stack.back();
                level.key = decode_json_string(text.substr(i + 1, end - i - 1));
                level.expect_key = false;
                if (!level.keys.insert(level.key).second && found.duplicate_at.empty()) {
                    found.duplicate_key = level.key;
                    found.duplicate_at = path_of(stack, stack.size() - 1);
                }
                if (level.keys.size() > max_keys && found.too_many_keys_at.empty()) {
                    found.too_many_keys_at = path_of(stack, stack.size() - 1);
                    return found;  // the rest is what the limit is for
                }
            }
            i = end + 1;
            continue;
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            std::string literal;
            const size_t end = scan_number(text, i, literal);
            if (!literal.empty() && found.out_of_range_at.empty()) {
                found.out_of_range_at = path_of(stack, stack.size());
                found.out_of_range_literal = literal;
            }
            i = end;
            continue;
        }
        if (c == '{' || c == '[') {
            Level level;
            level.is_object = c == '{';
            level.expect_key = level.is_object;
            stack.push_back(level);
            if (stack.size() > max_depth && found.too_deep_at.empty()) {
                found.too_deep_at = path_of(stack, stack.size() - 1);
                return found;  // anything deeper only repeats the same problem
            }
        } else if ((c == '}' || c == ']') && !stack.empty()) {
            stack.pop_back();
        } else if (c == ',' && !stack.empty()) {
            Level& level = stack.back();
            if (level.is_object) {
                level.expect_key = true;
            } else {
                ++level.index;
            }
        }
        ++i;
    }
    return found;
}

}  // namespace taskhost
