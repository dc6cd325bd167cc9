#include "ledger/journal_key.h"

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <sstream>

#include "util/bounded_json.h"
#include "util/sha256.h"

namespace taskhost {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

void write_string(std::string& out, const std::string& text) {
    static const char* hex = "0123456789abcdef";
    out += '"';
    for (unsigned char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c < 0x20) {
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 15];
        } else {
            out += static_cast<char>(c);
        }
    }
    out += '"';
}

enum class SetKind { kNone, kStrings, kEmails };

// A param whose schema says "uniqueItems" is a set; a set of "format": "email" strings is
// compared without case, as DigiCert (and the plugin) compare addresses.
SetKind set_kind(const Object::Ptr& schema, const std::string& param) {
    if (!schema || !is_json_object(schema->get("properties"))) {
        return SetKind::kNone;
    }
    const Object::Ptr properties = schema->getObject("properties");
    if (!is_json_object(properties->get(param))) {
        return SetKind::kNone;
    }
    const Object::Ptr property = properties->getObject(param);
    const Poco::Dynamic::Var unique = property->get("uniqueItems");
    if (!unique.isBoolean() || !unique.extract<bool>()) {
        return SetKind::kNone;
    }
    if (is_json_object(property->get("items"))) {
        const Poco::Dynamic::Var format = property->getObject("items")->get("format");
        if (format.isString() && format.extract<std::string>() == "email") {
            return SetKind::kEmails;
        }
    }
    return SetKind::kStrings;
}

void write_value(std::string& out, const Poco::Dynamic::Var& value, SetKind as_set);

void write_array(std::string& out, const Array::Ptr& list, SetKind as_set) {
    bool all_strings = true;
    for (size_t i = 0; i < list->size(); ++i) {
        all_strings = all_strings && list->get(i).isString();
    }
    out += '[';
    if (as_set != SetKind::kNone && all_strings) {
        std::vector<std::string> items;
        for (size_t i = 0; i < list->size(); ++i) {
            std::string item = list->get(i).extract<std::string>();
            if (as_set == SetKind::kEmails) {
                for (char& c : item) {
                    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                }
            }
            items.push_back(std::move(item));
        }
        std::sort(items.begin(), items.end());
        items.erase(std::unique(items.begin(), items.end()), items.end());
        for (size_t i = 0; i < items.size(); ++i) {
            if (i) {
                out += ',';
            }
            write_string(out, items[i]);
        }
    } else {
        for (size_t i = 0; i < list->size(); ++i) {
            if (i) {
                out += ',';
            }
            write_value(out, list->get(i), SetKind::kNone);
        }
    }
    out += ']';
}

void write_object(std::string& out, const Object::Ptr& object, const Object::Ptr& schema) {
    std::map<std::string, Poco::Dynamic::Var> sorted;  // byte order of the keys
    for (const auto& entry : *object) {
        sorted.emplace(entry.first, entry.second);
    }
    out += '{';
    bool first = true;
    for (const auto& entry : sorted) {
        if (!first) {
            out += ',';
        }
        first = false;
        write_string(out, entry.first);
        out += ':';
        write_value(out, entry.second, set_kind(schema, entry.first));
    }
    out += '}';
}

void write_value(std::string& out, const Poco::Dynamic::Var& value, SetKind as_set) {
    if (is_json_object(value)) {
        write_object(out, value.extract<Object::Ptr>(), nullptr);
    } else if (is_json_array(value)) {
        write_array(out, value.extract<Array::Ptr>(), as_set);
    } else if (value.isEmpty()) {
        out += "null";
    } else if (value.isString()) {
        write_string(out, value.extract<std::string>());
    } else if (value.isBoolean()) {
        out += value.extract<bool>() ? "true" : "false";
    } else {
        out += value.convert<std::string>();  // numbers: Poco's shortest form
    }
}

}  // namespace

std::string canonical_params(const Object::Ptr& params, const Object::Ptr& params_schema) {
    std::string out;
    write_object(out, params ? params : Object::Ptr(new Object), params_schema);
    return out;
}

std::string journal_key(const std::string& account, const std::string& task,
                        const std::string& canonical) {
    // Lengths first, so that no two different triples can make the same byte string.
    const std::string framed = std::to_string(account.size()) + ":" + account +
                               std::to_string(task.size()) + ":" + task + canonical;
    return sha256_hex(framed);
}

std::string params_digest(const std::string& canonical_params) {
    return sha256_hex(canonical_params).substr(0, 16);
}

}  // namespace taskhost
