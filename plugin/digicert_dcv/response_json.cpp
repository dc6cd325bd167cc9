#include "response_json.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>

#include <limits>

#include "printable_text.h"
#include "spec_json_reader.h"

namespace digicert_dcv {
namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

[[noreturn]] void reject(const std::string& msg) {
    throw ResponseInvalid{msg};
}

std::string field_path(const std::string& path, const char* name) {
    return join_path(path, name);
}

}  // namespace

Object::Ptr parse_response_object(std::string_view body, std::size_t max_bytes,
                                  std::size_t max_depth) {
    if (body.empty()) {
        reject("the body is empty");
    }
    if (body.size() > max_bytes) {
        reject("the body is larger than " + std::to_string(max_bytes) + " bytes");
    }
    Var root;
    try {
        Poco::JSON::Parser parser;
        parser.setDepth(max_depth);
        root = parser.parse(std::string(body));
    } catch (const Poco::Exception& e) {
        // Poco's message may quote input bytes: keep it short and printable.
        reject("the body is not JSON (or nests deeper than " + std::to_string(max_depth) +
               " levels): " + printable_excerpt(e.message(), 80));
    }
    if (root.type() != typeid(Object::Ptr)) {
        reject(std::string("the body is ") + json_type_name(root) + ", not a JSON object");
    }
    return root.extract<Object::Ptr>();
}

std::optional<std::string> response_string(const Object& object, const std::string& path,
                                           const char* name) {
    const Var value = object.get(name);
    if (value.isEmpty()) {
        return std::nullopt;
    }
    if (!value.isString()) {
        reject(field_path(path, name) + " must be a string, got " + json_type_name(value));
    }
    std::string text = value.extract<std::string>();
    if (text.size() > kMaxResponseString) {
        reject(field_path(path, name) + " is longer than " + std::to_string(kMaxResponseString) +
               " bytes");
    }
    return text;
}

std::optional<int64_t> response_integer(const Object& object, const std::string& path,
                                        const char* name) {
    const Var value = object.get(name);
    if (value.isEmpty()) {
        return std::nullopt;
    }
    if (value.isBoolean() || !value.isInteger()) {
        reject(field_path(path, name) + " must be an integer, got " + json_type_name(value));
    }
    if (value.type() == typeid(Poco::UInt64) &&
        value.extract<Poco::UInt64>() >
            static_cast<Poco::UInt64>(std::numeric_limits<int64_t>::max())) {
        reject(field_path(path, name) + " is too large");
    }
    return value.convert<Poco::Int64>();
}

std::optional<bool> response_bool(const Object& object, const std::string& path, const char* name) {
    const Var value = object.get(name);
    if (value.isEmpty()) {
        return std::nullopt;
    }
    if (!value.isBoolean()) {
        reject(field_path(path, name) + " must be true or false, got " + json_type_name(value));
    }
    return value.extract<bool>();
}

Array::Ptr response_array(const Object& object, const std::string& path, const char* name,
                          std::size_t max_items) {
    const Var value = object.get(name);
    if (value.isEmpty()) {
        return new Array;
    }
    if (value.type() != typeid(Array::Ptr)) {
        reject(field_path(path, name) + " must be an array, got " + json_type_name(value));
    }
    Array::Ptr array = value.extract<Array::Ptr>();
    if (array->size() > max_items) {
        reject(field_path(path, name) + " has " + std::to_string(array->size()) +
               " entries; the limit is " + std::to_string(max_items));
    }
    return array;
}

std::vector<std::string> response_string_list(const Object& object, const std::string& path,
                                              const char* name, std::size_t max_items) {
    const Array::Ptr array = response_array(object, path, name, max_items);
    std::vector<std::string> out;
    for (std::size_t i = 0; i < array->size(); ++i) {
        const Var item = array->get(static_cast<unsigned>(i));
        const std::string where = field_path(path, name) + "[" + std::to_string(i) + "]";
        if (!item.isString()) {
            reject(where + " must be a string, got " + json_type_name(item));
        }
        std::string text = item.extract<std::string>();
        if (text.size() > kMaxResponseString) {
            reject(where + " is longer than " + std::to_string(kMaxResponseString) + " bytes");
        }
        out.push_back(std::move(text));
    }
    return out;
}

Object::Ptr response_optional_object(const Object& object, const std::string& path,
                                     const char* name) {
    const Var value = object.get(name);
    if (value.isEmpty()) {
        return nullptr;
    }
    if (value.type() != typeid(Object::Ptr)) {
        reject(field_path(path, name) + " must be an object, got " + json_type_name(value));
    }
    return value.extract<Object::Ptr>();
}

Object::Ptr response_object_at(const Array& array, std::size_t index, const std::string& path) {
    const Var item = array.get(static_cast<unsigned>(index));
    if (item.type() != typeid(Object::Ptr)) {
        reject(path + "[" + std::to_string(index) + "] must be an object, got " +
               json_type_name(item));
    }
    return item.extract<Object::Ptr>();
}

}  // namespace digicert_dcv
