#include "util/json_tree.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/NumberParser.h>

#include <string>

#include "util/json_prescan.h"

namespace taskhost {
namespace {

using Poco::Dynamic::Var;

// Thrown where the text is left to Poco's parser.
struct LeaveToPoco {};

// Reads one checked value at a time; every position it reaches is inside a well-formed document,
// so it checks nothing twice.
class TreeBuilder {
  public:
    explicit TreeBuilder(std::string_view text) : text_(text) {}

    Var value() {
        skip_blanks();
        switch (text_[at_]) {
            case '{':
                return object();
            case '[':
                return array();
            case '"':
                return string();
            case 't':
                at_ += 4;
                return true;
            case 'f':
                at_ += 5;
                return false;
            case 'n':
                at_ += 4;
                return Var();
            default:
                return number();
        }
    }

  private:
    Var object() {
        Poco::JSON::Object::Ptr object = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        ++at_;  // '{'
        skip_blanks();
        if (text_[at_] == '}') {
            ++at_;
            return object;
        }
        for (;;) {
            skip_blanks();
            const std::string key = string();
            if (key.find('\0') != std::string::npos) {
                throw LeaveToPoco{};  // Poco's parser reads a key up to its first NUL
            }
            skip_blanks();
            ++at_;  // ':'
            object->set(key, value());
            skip_blanks();
            if (text_[at_++] == '}') {
                return object;
            }
        }
    }

    Var array() {
        Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
        ++at_;  // '['
        skip_blanks();
        if (text_[at_] == ']') {
            ++at_;
            return array;
        }
        for (;;) {
            array->add(value());
            skip_blanks();
            if (text_[at_++] == ']') {
                return array;
            }
        }
    }

    std::string string() {
        const size_t begin = ++at_;  // past '"'
        while (text_[at_] != '"') {
            at_ += text_[at_] == '\\' ? 2 : 1;
        }
        const std::string_view raw = text_.substr(begin, at_ - begin);
        ++at_;  // '"'
        bool lone_surrogate = false;
        std::string decoded = decode_json_string(raw, &lone_surrogate);
        if (lone_surrogate) {
            throw LeaveToPoco{};  // Poco's parser refuses it, with its own message
        }
        return decoded;
    }

    Var number() {
        const size_t begin = at_;
        bool integral = true;
        while (at_ < text_.size()) {
            const char c = text_[at_];
            if (c == '.' || c == 'e' || c == 'E') {
                integral = false;
            } else if (c != '-' && c != '+' && (c < '0' || c > '9')) {
                break;
            }
            ++at_;
        }
        const std::string literal(text_.substr(begin, at_ - begin));
        try {
            if (!integral) {
                return Poco::NumberParser::parseFloat(literal);
            }
            Poco::Int64 value = 0;
            if (Poco::NumberParser::tryParse64(literal, value)) {
                return value;
            }
            return Poco::NumberParser::parseUnsigned64(literal);
        } catch (const Poco::Exception&) {
            throw LeaveToPoco{};  // out of range: Poco's parser says so its own way
        }
    }

    void skip_blanks() {
        while (at_ < text_.size() && (text_[at_] == ' ' || text_[at_] == '\t' ||
                                      text_[at_] == '\n' || text_[at_] == '\r')) {
            ++at_;
        }
    }

    std::string_view text_;
    size_t at_ = 0;
};

}  // namespace

std::optional<Var> json_tree(std::string_view checked) {
    try {
        return TreeBuilder(checked).value();
    } catch (const LeaveToPoco&) {
        return std::nullopt;
    }
}

}  // namespace taskhost
