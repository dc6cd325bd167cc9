#include "util/json_fields.h"

#include <Poco/Exception.h>

#include <filesystem>
#include <utility>

#include "util/bounded_json.h"
#include "util/host_error.h"

namespace taskhost {
namespace {

constexpr size_t kMaxPathChars = 4096;

bool is_plain(const std::string& text) {
    for (unsigned char c : text) {
        if (c < 0x20 || c == 0x7f) {
            return false;
        }
    }
    return true;
}

}  // namespace

std::string wrong_type(const Poco::Dynamic::Var& value, const std::string& expected) {
    return "is " + json_type_name(value) + ", expected " + expected;
}

JsonFields::JsonFields(Poco::JSON::Object::Ptr object, std::string source, std::string json_path,
                       JsonFieldRules rules)
    : object_(std::move(object)),
      source_(std::move(source)),
      json_path_(std::move(json_path)),
      rules_(std::move(rules)) {}

JsonFields JsonFields::of(const Poco::Dynamic::Var& value, std::string source,
                          std::string json_path, JsonFieldRules rules, const std::string& fix) {
    if (!is_json_object(value)) {
        fail(source + ": " + json_path, wrong_type(value, "an object"), fix);
    }
    return JsonFields(value.extract<Poco::JSON::Object::Ptr>(), std::move(source),
                      std::move(json_path), std::move(rules));
}

JsonFields JsonFields::nested(const Poco::Dynamic::Var& value, std::string json_path,
                              const std::string& fix) const {
    return of(value, source_, std::move(json_path), rules_, fix);
}

std::string JsonFields::child_path(const std::string& key) const {
    return json_path_child(json_path_, key);
}

std::string JsonFields::at(const std::string& json_path) const {
    return source_ + ": " + json_path;
}

std::string JsonFields::where() const {
    return at(json_path_);
}

std::string JsonFields::where(const std::string& key) const {
    return at(child_path(key));
}

bool JsonFields::has(const std::string& key) const {
    return object_->has(key);
}

Poco::Dynamic::Var JsonFields::value(const std::string& key) const {
    return object_->get(key);
}

std::string JsonFields::text(const std::string& key) const {
    const Poco::Dynamic::Var given = value(key);
    if (!given.isString()) {
        fail(where(key), wrong_type(given, "a string"), rules_.text_fix);
    }
    const std::string result = given.extract<std::string>();
    if (rules_.text_non_empty && result.empty()) {
        fail(where(key), "is empty", rules_.text_fix);
    }
    if (rules_.text_plain && !is_plain(result)) {
        fail(where(key), "holds a control character", "write it without control characters");
    }
    if (rules_.text_max_chars != 0 && result.size() > rules_.text_max_chars) {
        fail(where(key), "is longer than " + std::to_string(rules_.text_max_chars) + " characters",
             "shorten it");
    }
    return result;
}

int64_t JsonFields::integer(const std::string& key, int64_t min, int64_t max) const {
    const Poco::Dynamic::Var given = value(key);
    const std::string range =
        "a whole number from " + std::to_string(min) + " to " + std::to_string(max);
    if (!given.isInteger() || given.isBoolean()) {
        fail(where(key), wrong_type(given, "an integer"), "write " + range);
    }
    int64_t number = 0;
    try {
        number = given.convert<int64_t>();
    } catch (const Poco::Exception&) {
        fail(where(key), "is out of range", "write " + range);
    }
    if (number < min || number > max) {
        fail(where(key), std::to_string(number) + " is out of range", "write " + range);
    }
    return number;
}

bool JsonFields::boolean(const std::string& key) const {
    const Poco::Dynamic::Var given = value(key);
    if (!given.isBoolean()) {
        fail(where(key), wrong_type(given, "a boolean"), rules_.boolean_fix);
    }
    return given.extract<bool>();
}

Poco::JSON::Object::Ptr JsonFields::object(const std::string& key, const std::string& fix) const {
    return child(key, fix).json();
}

JsonFields JsonFields::child(const std::string& key, const std::string& fix) const {
    return nested(value(key), child_path(key), fix);
}

Poco::JSON::Array::Ptr JsonFields::array(const std::string& key, const std::string& fix) const {
    const Poco::Dynamic::Var given = value(key);
    if (!is_json_array(given)) {
        fail(where(key), wrong_type(given, "an array"), fix);
    }
    return given.extract<Poco::JSON::Array::Ptr>();
}

std::string JsonFields::path(const std::string& key, const std::string& base_dir) const {
    const std::string raw = text(key);
    if (raw.empty() || raw.size() > kMaxPathChars || !is_plain(raw)) {
        fail(where(key), "is not a usable path", rules_.path_fix);
    }
    namespace fs = std::filesystem;
    const fs::path given(raw);
    return (given.is_absolute() ? given : fs::path(base_dir) / given).lexically_normal().string();
}

void JsonFields::only_known(const std::vector<std::string>& known, const std::string& note) const {
    for (const auto& entry : *object_) {
        bool is_known = false;
        for (const std::string& name : known) {
            is_known = is_known || name == entry.first;
        }
        if (is_known) {
            continue;
        }
        std::string names;
        for (const std::string& name : known) {
            names += (names.empty() ? "" : ", ") + name;
        }
        fail(where(entry.first), "is not a known field",
             rules_.unknown_fix + " (" + rules_.known_label + ": " + names + ")" +
                 (note.empty() ? "" : "; " + note));
    }
}

}  // namespace taskhost
