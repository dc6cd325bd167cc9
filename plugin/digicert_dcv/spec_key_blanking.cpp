#include "spec_key_blanking.h"

#include <string>
#include <vector>

namespace digicert_dcv {
namespace {

struct Span {
    std::size_t begin;  // the first byte inside the quotes
    std::size_t end;    // the closing quote
};

// A recursive descent over the text that records where the key's values lie. Each function
// returns false when the text goes where the scan does not follow (then nothing is blanked).
class KeyScan {
  public:
    KeyScan(std::string_view text, int max_depth) : s_(text), max_depth_(max_depth) {}

    bool run() {
        skip_space();
        if (!value(1, Place::kRoot)) {
            return false;
        }
        skip_space();
        return at_ == s_.size();
    }

    const std::vector<Span>& keys() const { return keys_; }

  private:
    // Where a value sits: the whole spec, root.connection, root.connection.api_key, elsewhere.
    enum class Place { kRoot, kConnection, kApiKey, kOther };

    bool value(int depth, Place place) {
        if (at_ >= s_.size()) {
            return false;
        }
        const char c = s_[at_];
        if (c == '{') {
            return depth <= max_depth_ && object(depth, place);
        }
        if (c == '[') {
            return depth <= max_depth_ && array(depth);
        }
        if (c == '"') {
            Span span{};
            bool escaped = false;
            if (!string(span, escaped)) {
                return false;
            }
            if (place == Place::kApiKey) {
                if (escaped) {
                    return false;  // its bytes are not the key's: leave it to the parser
                }
                keys_.push_back(span);
            }
            return true;
        }
        return scalar();
    }

    bool object(int depth, Place place) {
        ++at_;  // '{'
        skip_space();
        if (at_ < s_.size() && s_[at_] == '}') {
            ++at_;
            return true;
        }
        for (;;) {
            Span name{};
            bool escaped = false;
            skip_space();
            if (at_ >= s_.size() || s_[at_] != '"' || !string(name, escaped)) {
                return false;
            }
            const bool named = place == Place::kRoot || place == Place::kConnection;
            if (escaped && named) {
                return false;  // it might spell "connection" or "api_key"
            }
            skip_space();
            if (at_ >= s_.size() || s_[at_] != ':') {
                return false;
            }
            ++at_;
            skip_space();
            if (!value(depth + 1, child(place, s_.substr(name.begin, name.end - name.begin)))) {
                return false;
            }
            skip_space();
            if (at_ < s_.size() && s_[at_] == ',') {
                ++at_;
                continue;
            }
            if (at_ < s_.size() && s_[at_] == '}') {
                ++at_;
                return true;
            }
            return false;
        }
    }

    static Place child(Place place, std::string_view name) {
        if (place == Place::kRoot && name == "connection") {
            return Place::kConnection;
        }
        if (place == Place::kConnection && name == "api_key") {
            return Place::kApiKey;
        }
        return Place::kOther;
    }

    bool array(int depth) {
        ++at_;  // '['
        skip_space();
        if (at_ < s_.size() && s_[at_] == ']') {
            ++at_;
            return true;
        }
        for (;;) {
            skip_space();
            if (!value(depth + 1, Place::kOther)) {
                return false;
            }
            skip_space();
            if (at_ < s_.size() && s_[at_] == ',') {
                ++at_;
                continue;
            }
            if (at_ < s_.size() && s_[at_] == ']') {
                ++at_;
                return true;
            }
            return false;
        }
    }

    // At '"': to past the closing quote. `escaped`: a backslash inside.
    bool string(Span& span, bool& escaped) {
        span.begin = ++at_;
        while (at_ < s_.size()) {
            const char c = s_[at_];
            if (c == '"') {
                span.end = at_++;
                return true;
            }
            if (c == '\\') {
                escaped = true;
                at_ += 2;  // the escaped character (\uXXXX's digits are plain bytes)
                continue;
            }
            if (static_cast<unsigned char>(c) < 0x20) {
                return false;
            }
            ++at_;
        }
        return false;
    }

    // A number, true, false or null: the bytes up to the next delimiter (the parser checks them).
    bool scalar() {
        const std::size_t begin = at_;
        while (at_ < s_.size()) {
            const char c = s_[at_];
            if (c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' ||
                c == '\r' || c == '"' || c == '{' || c == '[' || c == ':') {
                break;
            }
            ++at_;
        }
        return at_ > begin;
    }

    void skip_space() {
        while (at_ < s_.size() &&
               (s_[at_] == ' ' || s_[at_] == '\t' || s_[at_] == '\n' || s_[at_] == '\r')) {
            ++at_;
        }
    }

    std::string_view s_;
    int max_depth_;
    std::size_t at_ = 0;
    std::vector<Span> keys_;
};

}  // namespace

std::optional<BlankedSpec> blank_api_key(std::string_view json, int max_depth) {
    KeyScan scan(json, max_depth);
    // A repeated name: which value the parsed object keeps is the parser's business.
    if (!scan.run() || scan.keys().size() > 1) {
        return std::nullopt;
    }
    BlankedSpec out;
    out.keys = scan.keys().size();
    out.text = SecretString::with_capacity(json.size());
    constexpr std::string_view kBlank =
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
    std::size_t copied = 0;
    for (const Span& key : scan.keys()) {
        out.text.append(json.substr(copied, key.begin - copied));
        for (std::size_t left = key.end - key.begin; left > 0;) {
            const std::size_t n = left < kBlank.size() ? left : kBlank.size();
            out.text.append(kBlank.substr(0, n));
            left -= n;
        }
        copied = key.end;
    }
    out.text.append(json.substr(copied));
    if (!scan.keys().empty()) {
        const Span& key = scan.keys().front();
        out.api_key = SecretString(json.substr(key.begin, key.end - key.begin));
    }
    return out;
}

}  // namespace digicert_dcv
