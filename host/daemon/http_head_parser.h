// Reads a request head (request line and header fields) that the event loop has whole, within
// the front's limits. What it refuses, it refuses with the status to answer and a reason.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "daemon/http_message.h"

namespace taskhost {

constexpr size_t kMaxHeadBytes = 32 * 1024;  // request line + header fields
constexpr size_t kMaxHeaderFields = 100;

struct HttpRefusal {
    int status = 400;
    std::string msg;
    std::string fix;
};

// How the body that follows the head is framed.
struct HttpBodyFraming {
    bool chunked = false;
    uint64_t length = 0;  // when not chunked
    bool expect_continue = false;
};

// Where the head ends in `bytes` (just past the blank line), or npos while it is incomplete.
size_t head_end(const std::string& bytes);

// Parses `head` (the bytes up to head_end) into `request` and `framing`; a refusal otherwise.
std::optional<HttpRefusal> parse_head(const std::string& head, HttpRequest& request,
                                      HttpBodyFraming& framing);

}  // namespace taskhost
