#include "spec_json_reader.h"

#include <Poco/JSON/Array.h>
#include <Poco/MemoryStream.h>

#include <limits>

#include "printable_text.h"

namespace digicert_dcv {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

Var parse_json_in_place(Poco::JSON::Parser& parser, std::string_view json) {
    Poco::MemoryInputStream in(json.data(), json.size());
    return parser.parse(in);
}

void invalid(const std::string& field, const std::string& problem) {
    throw SpecInvalid{field, field + ": " + problem};
}

std::string join_path(const std::string& parent, const std::string& name) {
    return parent.empty() ? name : parent + "." + name;
}

const char* json_type_name(const Var& v) {
    if (v.isEmpty()) {
        return "null";
    }
    if (v.type() == typeid(Object::Ptr)) {
        return "an object";
    }
    if (v.type() == typeid(Array::Ptr)) {
        return "an array";
    }
    if (v.isBoolean()) {
        return "true/false";
    }
    if (v.isString()) {
        return "a string";
    }
    if (v.isInteger()) {
        return "an integer";
    }
    if (v.isNumeric()) {
        return "a number with a fraction or exponent";
    }
    return "an unsupported value";
}

void reject_unknown_fields(const Object& object, const std::string& path,
                           std::initializer_list<const char*> known) {
    for (const auto& entry : object) {
        bool is_known = false;
        for (const char* name : known) {
            is_known = is_known || entry.first == name;
        }
        if (!is_known) {
            std::string list;
            for (const char* name : known) {
                list += (list.empty() ? "" : ", ") + std::string(name);
            }
            invalid(join_path(path, printable_excerpt(entry.first, 64)),
                    "unknown field; known fields: " + list);
        }
    }
}

Object::Ptr as_object(const Var& value, const std::string& field) {
    if (value.type() != typeid(Object::Ptr)) {
        invalid(field, std::string("must be a JSON object, got ") + json_type_name(value));
    }
    return value.extract<Object::Ptr>();
}

std::optional<std::string> optional_string(const Object& object, const std::string& path,
                                           const char* name, std::size_t max_chars, bool secret) {
    const Var value = object.get(name);
    const std::string field = join_path(path, name);
    if (value.isEmpty()) {
        return std::nullopt;
    }
    if (!value.isString()) {
        invalid(field, std::string("must be a string, got ") + json_type_name(value));
    }
    std::string text = value.extract<std::string>();
    if (text.empty()) {
        invalid(field, "is empty; omit the field or give a value");
    }
    if (text.size() > max_chars) {
        invalid(field, "is " + std::to_string(text.size()) + " bytes long; the limit is " +
                           std::to_string(max_chars));
    }
    if (!secret && printable_excerpt(text, max_chars) != text) {
        invalid(field, "contains control characters: " + quoted_excerpt(text));
    }
    return text;
}

SecretString take_secret_string(const Object& object, const std::string& path, const char* name,
                                std::size_t max_bytes) {
    const std::string field = join_path(path, name);
    for (const auto& entry : object) {  // by reference: Object::get would copy the value
        if (entry.first != name || entry.second.isEmpty()) {
            continue;
        }
        if (!entry.second.isString()) {
            invalid(field, std::string("must be a string, got ") + json_type_name(entry.second));
        }
        // The parsed spec's own copy, which no one reads after this: wiped once taken. The
        // object is not const (the parser made it); only this reader's view of it is.
        auto& stored = const_cast<std::string&>(entry.second.extract<std::string>());
        SecretString secret(stored);
        wipe_bytes(stored.data(), stored.size());
        // Poco's parser copied the token through temporary strings of the same size, freed
        // unwiped (one survived in 2 of 20 daemon runs of DaemonKeyMemory).
        scrub_freed_blocks(stored.size() + 1);
        if (secret.empty()) {
            invalid(field, "is empty; omit the field or give a value");
        }
        if (secret.size() > max_bytes) {
            invalid(field, "is " + std::to_string(secret.size()) + " bytes long; the limit is " +
                               std::to_string(max_bytes));
        }
        return secret;
    }
    return SecretString();
}

std::optional<int64_t> optional_integer(const Object& object, const std::string& path,
                                        const char* name, int64_t min, int64_t max) {
    const Var value = object.get(name);
    const std::string field = join_path(path, name);
    if (value.isEmpty()) {
        return std::nullopt;
    }
    if (value.isString()) {
        invalid(field, "must be a JSON integer, not a string: write it without quotes, e.g. " +
                           printable_excerpt(value.extract<std::string>(), 24) + " instead of " +
                           quoted_excerpt(value.extract<std::string>(), 24));
    }
    if (value.isBoolean() || !value.isInteger()) {
        invalid(field, std::string("must be an integer, got ") + json_type_name(value) +
                           (value.isNumeric() ? " (" + value.toString() + ")" : ""));
    }
    if (value.type() == typeid(Poco::UInt64) &&
        value.extract<Poco::UInt64>() >
            static_cast<Poco::UInt64>(std::numeric_limits<int64_t>::max())) {
        invalid(field, "is too large; it must be between " + std::to_string(min) + " and " +
                           std::to_string(max));
    }
    const int64_t number = value.convert<Poco::Int64>();
    if (number < min || number > max) {
        invalid(field, "must be between " + std::to_string(min) + " and " + std::to_string(max) +
                           ", got " + std::to_string(number));
    }
    return number;
}

std::optional<bool> optional_bool(const Object& object, const std::string& path, const char* name) {
    const Var value = object.get(name);
    if (value.isEmpty()) {
        return std::nullopt;
    }
    if (!value.isBoolean()) {
        invalid(join_path(path, name),
                std::string("must be true or false, got ") + json_type_name(value));
    }
    return value.extract<bool>();
}

std::optional<Object::Ptr> optional_object(const Object& object, const std::string& path,
                                           const char* name) {
    const Var value = object.get(name);
    if (value.isEmpty()) {
        return std::nullopt;
    }
    return as_object(value, join_path(path, name));
}

}  // namespace digicert_dcv
