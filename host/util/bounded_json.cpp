#include "util/bounded_json.h"

#include "util/json_prescan.h"
#include "util/json_syntax_error.h"
#include "util/json_tree.h"
#include "util/json_writer.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace taskhost {
namespace {}  // namespace

Result<Poco::JSON::Object::Ptr> parse_json_object(const std::string& text, const JsonLimits& limits,
                                                  const std::string& what) {
    if (text.size() > limits.max_bytes) {
        return HostError{what,
                         "is " + std::to_string(text.size()) + " bytes, more than the limit of " +
                             std::to_string(limits.max_bytes),
                         "make it smaller"};
    }
    const JsonPrescan found = prescan_json(text, limits.max_depth, limits.max_keys);
    if (!found.too_deep_at.empty()) {
        return HostError{what + ": " + found.too_deep_at,
                         "nests deeper than " + std::to_string(limits.max_depth) + " levels",
                         "flatten the document"};
    }
    if (!found.too_many_keys_at.empty()) {
        return HostError{what + ": " + found.too_many_keys_at,
                         "has more than " + std::to_string(limits.max_keys) + " keys",
                         "split it: no object here needs that many"};
    }
    if (!found.out_of_range_at.empty()) {
        return HostError{
            what + ": " + found.out_of_range_at,
            printable(found.out_of_range_literal, 40) + " does not fit in a 64-bit integer",
            "write the number as it really is (domain ids are at most 2^63 - 1)"};
    }
    // Well-formed text (nested no deeper than the prescan allowed) is built into Poco's values
    // directly; anything else, and the few escapes json_tree leaves to it, goes through Poco's
    // parser as before, which says what is wrong in its words.
    std::optional<Poco::Dynamic::Var> parsed;
    if (!find_json_syntax_error(text, limits.max_depth + 1)) {
        parsed = json_tree(text);
    }
    if (!parsed) {
        try {
            // Keep the writer's key order: outcomes and describes are shown back to people.
            Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
            parser.setDepth(limits.max_depth + 1);
            parsed = parser.parse(text);
        } catch (const Poco::Exception& e) {
            return HostError{what, "is not valid JSON (" + printable(e.message()) + ")",
                             "fix the JSON syntax"};
        }
    }
    if (!is_json_object(*parsed)) {
        return HostError{what + ": $", "is " + json_type_name(*parsed) + ", expected a JSON object",
                         "write a JSON object: {...}"};
    }
    if (!found.duplicate_at.empty()) {
        return HostError{what + ": " + json_path_child(found.duplicate_at, found.duplicate_key),
                         "is given twice", "keep one of the two"};
    }
    return parsed->extract<Poco::JSON::Object::Ptr>();
}

Result<std::string> read_bounded_file(const std::string& path, size_t max_bytes,
                                      const std::string& what) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        const int err = errno;
        return HostError{what, "cannot read " + path + ": " + std::strerror(err),
                         "check that the file exists and is readable"};
    }
    return read_bounded_stream(in, max_bytes, what);
}

Result<std::string> read_bounded_stream(std::istream& in, size_t max_bytes,
                                        const std::string& what) {
    std::string text;
    char buffer[16384];
    while (in) {
        in.read(buffer, sizeof buffer);
        text.append(buffer, static_cast<size_t>(in.gcount()));
        if (text.size() > max_bytes) {
            return HostError{what,
                             "is more than the limit of " + std::to_string(max_bytes) + " bytes",
                             "make it smaller"};
        }
    }
    if (in.bad()) {
        return HostError{what, "could not be read completely", "check the file or pipe"};
    }
    return text;
}

std::string printable(const std::string& raw, size_t max) {
    std::string out;
    for (unsigned char c : raw) {
        if (out.size() >= max) {
            out += "...";
            break;
        }
        out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
    }
    return out;
}

bool is_identifier(const std::string& text, size_t max_chars) {
    if (text.empty() || text.size() > max_chars) {
        return false;
    }
    for (char c : text) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
        if (!ok) {
            return false;
        }
    }
    return true;
}

std::string json_path_child(const std::string& parent, const std::string& key) {
    if (is_identifier(key)) {
        return parent + "." + key;
    }
    return parent + "[\"" + printable(key, 64) + "\"]";
}

std::string json_path_index(const std::string& parent, size_t index) {
    return parent + "[" + std::to_string(index) + "]";
}

bool is_json_object(const Poco::Dynamic::Var& value) {
    return value.type() == typeid(Poco::JSON::Object::Ptr);
}

bool is_json_array(const Poco::Dynamic::Var& value) {
    return value.type() == typeid(Poco::JSON::Array::Ptr);
}

std::string json_type_name(const Poco::Dynamic::Var& value) {
    if (value.isEmpty()) {
        return "null";
    }
    if (is_json_object(value)) {
        return "an object";
    }
    if (is_json_array(value)) {
        return "an array";
    }
    if (value.isBoolean()) {
        return "a boolean";
    }
    if (value.isInteger()) {
        return "an integer";
    }
    if (value.isNumeric()) {
        return "a number";
    }
    if (value.isString()) {
        return "a string";
    }
    return "an unexpected value";
}

std::string to_json(const Poco::JSON::Object::Ptr& object) {
    std::string out;
    out.reserve(256);
    append_json(out, Poco::Dynamic::Var(object));
    return out;
}

}  // namespace taskhost
