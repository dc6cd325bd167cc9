// One linear pass over JSON text before it is parsed, for what Poco would accept silently or
// slowly: nesting deeper than a limit (its own limit is far higher), a key given twice in one
// object (Poco keeps the last; compared decoded, so "domain\u005fid" is "domain_id"), more keys in
// one object than a limit (Poco's order-keeping object scans its keys on every insert: 110,000
// keys took 139 s), and an integer literal outside 64 bits (Poco's parser wraps
// 18446744073709551617 to 1 and 2^64 to 0). Reports the first finding of each kind by JSON path.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace taskhost {

struct JsonPrescan {
    std::string too_deep_at;
    std::string duplicate_at;  // the object's path; duplicate_key is the key (decoded)
    std::string duplicate_key;
    std::string too_many_keys_at;
    std::string out_of_range_at;  // the integer's path
    std::string out_of_range_literal;
};

JsonPrescan prescan_json(const std::string& text, size_t max_depth, size_t max_keys);

// A JSON string's contents (between its quotes) decoded: escapes resolved, \uXXXX as UTF-8
// (surrogate pairs joined; a lone surrogate kept as its escape text, so it stays distinct, and
// `*kept_lone_surrogate` set when given).
std::string decode_json_string(std::string_view raw, bool* kept_lone_surrogate = nullptr);

}  // namespace taskhost
