#include "plugins/settings_schema.h"

#include <Poco/JSON/Array.h>

#include <filesystem>
#include <locale>
#include <map>
#include <memory>
#include <mutex>
#include <regex>
#include <vector>

#include "util/bounded_json.h"

namespace taskhost {
namespace {

// A schema's pattern compiled once per process, not once per checked value (compiling was 5% of
// an apply's CPU, issue 8). Bounded: the patterns come from the loaded plugins' schemas, a few.
// std::regex narrows characters through the shared ctype<char> facet, whose cache fills lazily on
// first use of each character: two workers compiling at once raced there (ThreadSanitizer, CI), and
// matching a \b narrows 'w'. So the cache is filled once before the first compile, and compiling
// happens under the lock (once per pattern; serialising it costs nothing that matters).
std::shared_ptr<const std::regex> compiled(const std::string& pattern) {
    constexpr size_t kMaxPatterns = 64;
    static std::mutex mutex;
    static std::map<std::string, std::shared_ptr<const std::regex>> patterns;
    std::lock_guard<std::mutex> lock(mutex);
    if (const auto found = patterns.find(pattern); found != patterns.end()) {
        return found->second;
    }
    static const bool narrow_cache_filled = [] {
        const auto& ctype = std::use_facet<std::ctype<char>>(std::locale());
        for (int c = 0; c < 256; ++c) {
            ctype.narrow(static_cast<char>(c), '\0');
        }
        return true;
    }();
    (void)narrow_cache_filled;
    auto regex = std::make_shared<const std::regex>(pattern, std::regex::ECMAScript);  // may throw
    if (patterns.size() >= kMaxPatterns) {
        patterns.clear();
    }
    patterns.emplace(pattern, regex);
    return regex;
}

namespace fs = std::filesystem;
using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

constexpr size_t kMaxPathChars = 4096;
constexpr size_t kMaxListed = 20;
// std::regex recurses per character: longer text is left to the plugin rather than risking the
// stack on a pattern the host did not write.
constexpr size_t kMaxPatternTextChars = 4096;

std::string quoted(const std::string& text) {
    return "\"" + printable(text, 80) + "\"";
}

// "a", "a or b", "a, b or c".
std::string alternatives(const std::vector<std::string>& items, const std::string& conjunction) {
    std::string text;
    for (size_t i = 0; i < items.size() && i < kMaxListed; ++i) {
        text += (i == 0 ? "" : i + 1 == items.size() ? " " + conjunction + " " : ", ") + items[i];
    }
    return items.size() > kMaxListed ? text + ", ..." : text;
}

bool has_type(const Var& value, const std::string& type) {
    if (type == "integer") {
        return value.isInteger() && !value.isBoolean();
    }
    if (type == "number") {
        return value.isNumeric() && !value.isBoolean();
    }
    if (type == "string") {
        return value.isString();
    }
    if (type == "boolean") {
        return value.isBoolean();
    }
    if (type == "array") {
        return is_json_array(value);
    }
    if (type == "object") {
        return is_json_object(value);
    }
    if (type == "null") {
        return value.isEmpty();
    }
    return true;  // a type the host does not know: the plugin judges
}

std::string a_type(const std::string& type) {
    return (type == "integer" || type == "array" || type == "object" ? "an " : "a ") + type;
}

std::string text_of(const Object::Ptr& schema, const std::string& key) {
    const Var value = schema->get(key);
    return value.isString() ? value.extract<std::string>() : "";
}

bool number_of(const Object::Ptr& schema, const std::string& key, double& out) {
    const Var value = schema->get(key);
    if (!value.isNumeric() || value.isBoolean()) {
        return false;
    }
    out = value.convert<double>();
    return true;
}

std::string number_text(double number) {
    const auto whole = static_cast<long long>(number);
    return static_cast<double>(whole) == number ? std::to_string(whole) : std::to_string(number);
}

size_t utf8_length(const std::string& text) {
    size_t count = 0;
    for (unsigned char c : text) {
        count += (c & 0xC0) != 0x80 ? 1 : 0;
    }
    return count;
}

// Walks one settings document against its schema; every check knows its JSON path.
class SettingsChecker {
  public:
    explicit SettingsChecker(const SettingsSource& source) : source_(source) {}

    Var check(const Var& value, const Object::Ptr& schema, const std::string& path) {
        check_type(value, schema, path);
        check_enum(value, schema, path);
        if (value.isString()) {
            return check_string(value.extract<std::string>(), schema, path);
        }
        if (value.isNumeric() && !value.isBoolean()) {
            check_range(value, schema, path);
        }
        if (is_json_array(value)) {
            return check_array(value.extract<Array::Ptr>(), schema, path);
        }
        if (is_json_object(value)) {
            return check_object(value.extract<Object::Ptr>(), schema, path);
        }
        return value;
    }

    Object::Ptr check_object(const Object::Ptr& object, const Object::Ptr& schema,
                             const std::string& path) {
        const Object::Ptr properties = object_at(schema, "properties");
        check_unknown(object, schema, properties, path);
        check_required(object, schema, path);
        check_one_of_required(object, schema, path);
        Object::Ptr out = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        for (const auto& entry : *object) {
            const Object::Ptr property = properties ? object_at(properties, entry.first) : nullptr;
            out->set(entry.first,
                     property ? check(entry.second, property, json_path_child(path, entry.first))
                              : entry.second);
        }
        return out;
    }

  private:
    std::string at(const std::string& path) const { return source_.file + ": " + path; }

    static Object::Ptr object_at(const Object::Ptr& schema, const std::string& key) {
        return schema && is_json_object(schema->get(key)) ? schema->getObject(key) : nullptr;
    }

    std::string about(const Object::Ptr& schema) const {
        const std::string description = text_of(schema, "description");
        return description.empty() ? "" : " (" + printable(description, 160) + ")";
    }

    std::string range_words(const Object::Ptr& schema, const std::string& type) const {
        double min = 0;
        double max = 0;
        const bool has_min = number_of(schema, "minimum", min);
        const bool has_max = number_of(schema, "maximum", max);
        const std::string what = type == "integer" ? "a whole number" : "a number";
        if (has_min && has_max) {
            return what + " from " + number_text(min) + " to " + number_text(max);
        }
        if (has_min) {
            return what + " of at least " + number_text(min);
        }
        return has_max ? what + " of at most " + number_text(max) : "";
    }

    void check_type(const Var& value, const Object::Ptr& schema, const std::string& path) {
        const std::string type = text_of(schema, "type");
        if (type.empty() || has_type(value, type)) {
            return;
        }
        const std::string range = range_words(schema, type);
        fail(at(path), "is " + json_type_name(value) + ", expected " + a_type(type),
             (range.empty() ? "write it as " + a_type(type) : "write " + range) + about(schema));
    }

    void check_enum(const Var& value, const Object::Ptr& schema, const std::string& path) {
        const Var choices = schema->get("enum");
        if (!is_json_array(choices)) {
            return;
        }
        const Array::Ptr list = choices.extract<Array::Ptr>();
        std::vector<std::string> shown;
        const std::string given = Poco::Dynamic::Var::toString(value);
        for (size_t i = 0; i < list->size(); ++i) {
            const Var choice = list->get(static_cast<unsigned>(i));
            if (choice.isString() == value.isString() &&
                Poco::Dynamic::Var::toString(choice) == given) {
                return;
            }
            shown.push_back(choice.isString() ? quoted(choice.extract<std::string>())
                                              : printable(choice.toString(), 40));
        }
        const std::string as_written = value.isString() ? quoted(value.extract<std::string>())
                                                        : printable(value.toString(), 40);
        fail(at(path), as_written + " is not one of " + alternatives(shown, "and"),
             "use " + alternatives(shown, "or") + about(schema));
    }

    void check_range(const Var& value, const Object::Ptr& schema, const std::string& path) {
        double number = 0;
        try {
            number = value.convert<double>();
        } catch (const Poco::Exception&) {
            fail(at(path), "is out of range", "write " + range_words(schema, "number"));
        }
        double min = 0;
        double max = 0;
        if ((number_of(schema, "minimum", min) && number < min) ||
            (number_of(schema, "maximum", max) && number > max)) {
            fail(at(path), printable(value.toString(), 40) + " is out of range",
                 "write " + range_words(schema, text_of(schema, "type")) + about(schema));
        }
    }

    Var check_string(const std::string& text, const Object::Ptr& schema, const std::string& path) {
        double min = 0;
        double max = 0;
        const size_t length = utf8_length(text);
        if ((number_of(schema, "minLength", min) && length < min) ||
            (number_of(schema, "maxLength", max) && length > max)) {
            fail(at(path), "has " + std::to_string(length) + " characters",
                 "write " + (max > 0 ? "at most " + number_text(max) : "") +
                     (min > 0 && max > 0 ? " and " : "") +
                     (min > 0 ? "at least " + number_text(min) : "") + " characters" +
                     about(schema));
        }
        check_pattern(text, schema, path);
        if (text_of(schema, "format") == "path") {
            return absolute_path(text, schema, path);
        }
        return text;
    }

    void check_pattern(const std::string& text, const Object::Ptr& schema,
                       const std::string& path) {
        const std::string pattern = text_of(schema, "pattern");
        if (pattern.empty() || text.size() > kMaxPatternTextChars) {
            return;
        }
        bool matches = true;
        try {
            matches = std::regex_search(text, *compiled(pattern));
        } catch (const std::regex_error&) {
            return;  // a pattern the host cannot read: the plugin judges
        }
        if (!matches) {
            fail(at(path), quoted(text) + " does not have the expected form",
                 "write it to match " + printable(pattern, 120) + about(schema));
        }
    }

    std::string absolute_path(const std::string& raw, const Object::Ptr& schema,
                              const std::string& path) {
        bool plain = !raw.empty() && raw.size() <= kMaxPathChars;
        for (unsigned char c : raw) {
            plain = plain && c >= 0x20 && c != 0x7f;
        }
        if (!plain) {
            fail(at(path), "is not a usable path",
                 "write a non-empty path without control characters (relative paths are taken "
                 "from the config file's directory)" +
                     about(schema));
        }
        const fs::path given(raw);
        if (given.is_absolute() || source_.base_dir.empty()) {
            return given.lexically_normal().string();
        }
        return (fs::path(source_.base_dir) / given).lexically_normal().string();
    }

    Var check_array(const Array::Ptr& list, const Object::Ptr& schema, const std::string& path) {
        double min = 0;
        double max = 0;
        if ((number_of(schema, "minItems", min) && list->size() < min) ||
            (number_of(schema, "maxItems", max) && list->size() > max)) {
            fail(at(path), "has " + std::to_string(list->size()) + " items",
                 "give " +
                     (max > 0 ? "at most " + number_text(max) : "at least " + number_text(min)) +
                     " items" + about(schema));
        }
        const Object::Ptr items = object_at(schema, "items");
        if (!items) {
            return list;
        }
        Array::Ptr out = new Array;
        for (size_t i = 0; i < list->size(); ++i) {
            const Var item = list->get(static_cast<unsigned>(i));
            const std::string item_type = text_of(items, "type");
            if (!item_type.empty() && !has_type(item, item_type)) {
                fail(at(json_path_index(path, i)),
                     "is " + json_type_name(item) + ", expected " + a_type(item_type),
                     "write every item as " + a_type(item_type));
            }
            out->add(check(item, items, json_path_index(path, i)));
        }
        return out;
    }

    void check_unknown(const Object::Ptr& object, const Object::Ptr& schema,
                       const Object::Ptr& properties, const std::string& path) {
        const Var additional = schema->get("additionalProperties");
        if (!properties || !additional.isBoolean() || additional.extract<bool>()) {
            return;
        }
        std::vector<std::string> known;
        for (const auto& entry : *properties) {
            known.push_back(entry.first);
        }
        for (const auto& entry : *object) {
            if (!properties->has(entry.first)) {
                fail(at(json_path_child(path, entry.first)), source_.unknown_problem,
                     "remove it or correct its spelling (" + source_.known_label + ": " +
                         alternatives(known, "and") + ")");
            }
        }
    }

    static std::vector<std::string> names_in(const Var& value) {
        std::vector<std::string> names;
        if (is_json_array(value)) {
            const Array::Ptr list = value.extract<Array::Ptr>();
            for (size_t i = 0; i < list->size(); ++i) {
                const Var name = list->get(static_cast<unsigned>(i));
                if (name.isString()) {
                    names.push_back(name.extract<std::string>());
                }
            }
        }
        return names;
    }

    void check_required(const Object::Ptr& object, const Object::Ptr& schema,
                        const std::string& path) {
        for (const std::string& name : names_in(schema->get("required"))) {
            if (!object->has(name)) {
                const Object::Ptr property = object_at(object_at(schema, "properties"), name);
                fail(at(path), "needs " + quoted(name),
                     "add " + quoted(name) + (property ? about(property) : ""));
            }
        }
    }

    // oneOf [{"required": [a]}, {"required": [b]}]: exactly one of a and b. Other oneOf
    // shapes are the plugin's to judge.
    void check_one_of_required(const Object::Ptr& object, const Object::Ptr& schema,
                               const std::string& path) {
        const Var one_of = schema->get("oneOf");
        if (!is_json_array(one_of)) {
            return;
        }
        const Array::Ptr branches = one_of.extract<Array::Ptr>();
        std::vector<std::string> names;
        std::vector<std::string> given;
        for (size_t i = 0; i < branches->size(); ++i) {
            const Var branch = branches->get(static_cast<unsigned>(i));
            if (!is_json_object(branch) || branch.extract<Object::Ptr>()->size() != 1) {
                return;
            }
            const std::vector<std::string> required =
                names_in(branch.extract<Object::Ptr>()->get("required"));
            if (required.size() != 1) {
                return;
            }
            names.push_back(quoted(required[0]));
            if (object->has(required[0])) {
                given.push_back(quoted(required[0]));
            }
        }
        if (given.size() == 1 || names.empty()) {
            return;
        }
        fail(at(path),
             given.empty() ? "gives neither " + alternatives(names, "nor")
                           : "gives both " + alternatives(given, "and"),
             "give exactly one: " + alternatives(names, "or"));
    }

    const SettingsSource& source_;
};

}  // namespace

Result<Object::Ptr> check_settings(const Object::Ptr& settings, const Object::Ptr& schema,
                                   const SettingsSource& source) {
    try {
        SettingsChecker checker(source);
        if (!schema) {
            return checker.check_object(settings, new Object, source.json_path);
        }
        return checker.check_object(settings, schema, source.json_path);
    } catch (const HostErrorException& e) {
        return e.error();
    }
}

std::string property_type(const Object::Ptr& schema, const std::string& property) {
    if (!schema || !is_json_object(schema->get("properties"))) {
        return "";
    }
    const Object::Ptr properties = schema->getObject("properties");
    if (!is_json_object(properties->get(property))) {
        return "";
    }
    return text_of(properties->getObject(property), "type");
}

}  // namespace taskhost
