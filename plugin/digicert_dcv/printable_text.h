// Text from outside the plugin (JSON values, server bodies, Poco exception messages) made safe
// to put into one log line or one outcome field: it may hold raw bytes, control characters or
// broken UTF-8, and an outcome must stay one valid JSON document a terminal can show.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace digicert_dcv {

// Keeps valid UTF-8 text; every control byte (including newlines and DEL) and every byte of an
// invalid UTF-8 sequence becomes '?'. Keeps at most `max_chars` code points and marks a cut
// with "...".
std::string printable_excerpt(std::string_view raw, std::size_t max_chars);

// The same, quoted, for "got 'value'" in error messages.
std::string quoted_excerpt(std::string_view raw, std::size_t max_chars = 64);

// True when every byte is printable ASCII (0x20..0x7E).
bool is_printable_ascii(std::string_view text);

// Replaces every occurrence of `secret` in `text` with "[redacted]". A no-op for an empty secret.
// Defence in depth: a server or a library may echo what it was sent.
std::string redact(std::string text, std::string_view secret);

}  // namespace digicert_dcv
