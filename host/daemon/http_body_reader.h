// Reads a request body as it arrives, framed by Content-Length or chunked, keeping at most
// `keep_max` bytes. A body longer than that is still read (and dropped) up to `discard_max`,
// so a caller still sending hears the 413 instead of a broken pipe; past that, reading stops.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "daemon/http_head_parser.h"

namespace taskhost {

class HttpBodyReader {
  public:
    enum class Step { kMore, kDone, kTooLarge, kMalformed };

    HttpBodyReader(const HttpBodyFraming& framing, size_t keep_max, size_t discard_max);

    // Consumes what it can of `bytes` from `at` (advanced), appending kept bytes to `body`.
    Step feed(const std::string& bytes, size_t& at, std::string& body);
    bool over_limit() const { return seen_ > keep_max_; }

  private:
    enum class Phase { kSize, kData, kDataEnd, kTrailer, kDone };
    void take(const std::string& bytes, size_t& at, uint64_t count, std::string& body);
    Step chunked_step(const std::string& bytes, size_t& at, std::string& body);
    // A whole line from `at` (without its CRLF); false while incomplete.
    bool line(const std::string& bytes, size_t& at, std::string& text);

    bool chunked_;
    uint64_t left_;  // of the body (Content-Length) or of the chunk
    size_t keep_max_;
    size_t discard_max_;
    uint64_t seen_ = 0;
    Phase phase_;
};

}  // namespace taskhost
