// The API key taken out of the task spec's text before Poco's JSON parser reads it.
//
// The parser copies each string token through a buffer and temporary strings that it frees
// without wiping, so a key it has read can stay in freed heap memory. scrub_thread_cache()
// wiped every chunk of the thread's malloc cache after each task to catch those copies: 512
// allocations and 270 KB of wiping per task, about 9% of an apply's CPU (issue 12). Instead the
// key's bytes are read from the text here into a SecretString, and the parser gets a copy of the
// text (itself a SecretString) in which they are replaced by 'x': it never sees the key.
//
// Only what parse_task_spec reads as the key counts: the string value of "api_key" in the
// "connection" object at the top level. The scan follows JSON's grammar only as far as it needs
// to find it; it gives up (nullopt), and the caller parses the text as it is and scrubs, on
// anything it does not follow: a member name or a key written with escapes, either name
// repeated, nesting deeper than the parser allows, text that is not JSON.
// The caller also checks that the parsed key is the blank it put there, so a scan that went
// wrong costs a scrub, never a key.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "secret_string.h"

namespace digicert_dcv {

struct BlankedSpec {
    SecretString text;     // the spec, connection.api_key's value's bytes replaced by 'x'
    SecretString api_key;  // that value, as written
    std::size_t keys = 0;  // 1, or 0 when the spec has no key (`text` is then a plain copy)
};

// `max_depth`: the parser's nesting limit (parse_task_spec's kMaxSpecDepth).
std::optional<BlankedSpec> blank_api_key(std::string_view json, int max_depth);

}  // namespace digicert_dcv
