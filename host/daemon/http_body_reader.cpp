#include "daemon/http_body_reader.h"

#include <algorithm>

namespace taskhost {
namespace {

constexpr size_t kMaxChunkLine = 1024;

}  // namespace

HttpBodyReader::HttpBodyReader(const HttpBodyFraming& framing, size_t keep_max, size_t discard_max)
    : chunked_(framing.chunked),
      left_(framing.chunked ? 0 : framing.length),
      keep_max_(keep_max),
      discard_max_(discard_max),
      phase_(framing.chunked ? Phase::kSize : Phase::kData) {}

void HttpBodyReader::take(const std::string& bytes, size_t& at, uint64_t count, std::string& body) {
    if (seen_ + count <= keep_max_) {
        body.append(bytes, at, count);
    } else {
        body.clear();  // over the limit: nothing of it is kept
    }
    seen_ += count;
    at += count;
    left_ -= count;
}

bool HttpBodyReader::line(const std::string& bytes, size_t& at, std::string& text) {
    const size_t end = bytes.find('\n', at);
    if (end == std::string::npos) {
        text = bytes.substr(at);
        return false;
    }
    text = bytes.substr(at, end - at);
    if (!text.empty() && text.back() == '\r') {
        text.pop_back();
    }
    at = end + 1;
    return true;
}

HttpBodyReader::Step HttpBodyReader::feed(const std::string& bytes, size_t& at, std::string& body) {
    if (!chunked_) {
        take(bytes, at, std::min<uint64_t>(left_, bytes.size() - at), body);
        if (seen_ > discard_max_) {
            return Step::kTooLarge;
        }
        return left_ == 0 ? Step::kDone : Step::kMore;
    }
    for (;;) {
        const size_t before = at;
        const Step step = chunked_step(bytes, at, body);
        if (step != Step::kMore || at == before || at == bytes.size()) {
            return step;
        }
    }
}

HttpBodyReader::Step HttpBodyReader::chunked_step(const std::string& bytes, size_t& at,
                                                  std::string& body) {
    std::string text;
    switch (phase_) {
        case Phase::kSize: {
            if (!line(bytes, at, text)) {
                return text.size() > kMaxChunkLine ? Step::kMalformed : Step::kMore;
            }
            const std::string hex = text.substr(0, text.find(';'));
            if (hex.empty() || hex.size() > 15 ||
                hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
                return Step::kMalformed;
            }
            left_ = std::stoull(hex, nullptr, 16);
            phase_ = left_ == 0 ? Phase::kTrailer : Phase::kData;
            return seen_ + left_ > discard_max_ ? Step::kTooLarge : Step::kMore;
        }
        case Phase::kData:
            take(bytes, at, std::min<uint64_t>(left_, bytes.size() - at), body);
            if (left_ == 0) {
                phase_ = Phase::kDataEnd;
            }
            return Step::kMore;
        case Phase::kDataEnd:
            if (!line(bytes, at, text)) {
                return text.size() > 1 ? Step::kMalformed : Step::kMore;
            }
            phase_ = Phase::kSize;
            return text.empty() ? Step::kMore : Step::kMalformed;
        case Phase::kTrailer:
            if (!line(bytes, at, text)) {
                return text.size() > kMaxChunkLine ? Step::kMalformed : Step::kMore;
            }
            if (text.empty()) {
                phase_ = Phase::kDone;
                return Step::kDone;
            }
            return Step::kMore;
        case Phase::kDone:
            return Step::kDone;
    }
    return Step::kMalformed;
}

}  // namespace taskhost
