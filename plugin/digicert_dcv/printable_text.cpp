#include "printable_text.h"

namespace digicert_dcv {
namespace {

// Length of the valid UTF-8 sequence starting at `pos`, or 0 when it is not one. Overlong forms,
// surrogates and code points above U+10FFFF are invalid.
std::size_t utf8_sequence_length(std::string_view s, std::size_t pos) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
    const unsigned char lead = byte(pos);
    std::size_t len = 0;
    unsigned int min_cp = 0;
    unsigned int cp = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
        len = 2, min_cp = 0x80, cp = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        len = 3, min_cp = 0x800, cp = lead & 0x0F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        len = 4, min_cp = 0x10000, cp = lead & 0x07;
    } else {
        return 0;
    }
    if (pos + len > s.size()) {
        return 0;
    }
    for (std::size_t i = 1; i < len; ++i) {
        const unsigned char c = byte(pos + i);
        if ((c & 0xC0) != 0x80) {
            return 0;
        }
        cp = (cp << 6) | (c & 0x3F);
    }
    if (cp < min_cp || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return 0;
    }
    return len;
}

}  // namespace

std::string printable_excerpt(std::string_view raw, std::size_t max_chars) {
    std::string out;
    out.reserve(raw.size() < max_chars ? raw.size() : max_chars);
    std::size_t chars = 0;
    std::size_t pos = 0;
    while (pos < raw.size()) {
        if (chars == max_chars) {
            out += "...";
            break;
        }
        const unsigned char c = static_cast<unsigned char>(raw[pos]);
        if (c < 0x80) {
            out += (c >= 0x20 && c != 0x7F) ? static_cast<char>(c) : '?';
            ++pos;
        } else if (const std::size_t len = utf8_sequence_length(raw, pos); len > 0) {
            out.append(raw.substr(pos, len));
            pos += len;
        } else {
            out += '?';
            ++pos;
        }
        ++chars;
    }
    return out;
}

std::string quoted_excerpt(std::string_view raw, std::size_t max_chars) {
    return "'" + printable_excerpt(raw, max_chars) + "'";
}

bool is_printable_ascii(std::string_view text) {
    for (const char ch : text) {
        const unsigned char c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c > 0x7E) {
            return false;
        }
    }
    return true;
}

std::string redact(std::string text, std::string_view secret) {
    if (secret.empty()) {
        return text;
    }
    static constexpr std::string_view kMark = "[redacted]";
    std::size_t pos = 0;
    while ((pos = text.find(secret, pos)) != std::string::npos) {
        text.replace(pos, secret.size(), kMark);
        pos += kMark.size();
    }
    return text;
}

}  // namespace digicert_dcv
