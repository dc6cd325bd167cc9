#include "util/json_writer.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Stringifier.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <sstream>
#include <typeinfo>
#include <vector>

namespace taskhost {
namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

// What Poco writes for each byte it escapes (the control characters, '"' and '\\'), read from
// Poco once; empty for a byte it writes as it is.
std::array<std::string, 256> poco_escapes() {
    std::array<std::string, 256> escapes;
    for (int byte = 0; byte < 256; ++byte) {
        const std::string one(1, static_cast<char>(byte));
        std::ostringstream written;
        Poco::JSON::Stringifier::formatString(one, written, 0);  // no quotes
        if (written.str() != one) {
            escapes[static_cast<size_t>(byte)] = written.str();
        }
    }
    return escapes;
}

void append_string(std::string& out, const std::string& text) {
    static const std::array<std::string, 256> escapes = poco_escapes();
    out += '"';
    size_t plain = 0;  // the start of the bytes not yet written
    for (size_t i = 0; i < text.size(); ++i) {
        const std::string& escape = escapes[static_cast<unsigned char>(text[i])];
        if (!escape.empty()) {
            out.append(text, plain, i - plain);
            out += escape;
            plain = i + 1;
        }
    }
    out.append(text, plain, std::string::npos);
    out += '"';
}

// Poco's own rendering, for what this writer does not know.
void append_as_poco(std::string& out, const Var& value) {
    std::ostringstream written;
    Poco::JSON::Stringifier::stringify(value, written, 0, -1);
    out += written.str();
}

void append_array(std::string& out, const Array& array) {
    if (array.getEscapeUnicode()) {
        append_as_poco(out, array);
        return;
    }
    out += '[';
    bool first = true;
    for (const Var& item : array) {
        if (!first) {
            out += ',';
        }
        first = false;
        append_json(out, item);
    }
    out += ']';
}

template <typename Integer>
bool append_integer(std::string& out, const Var& value) {
    if (value.type() != typeid(Integer)) {
        return false;
    }
    out += std::to_string(value.extract<Integer>());
    return true;
}

}  // namespace

void append_json(std::string& out, const Object& object) {
    if (object.getEscapeUnicode()) {
        append_as_poco(out, Var(object));
        return;
    }
    // Poco writes an object's keys in its own order (insertion order when it keeps one, else
    // sorted), which getNames gives; the values are read from the sorted map in place: in step
    // with the names while they come sorted, else looked up in a sorted list of its entries.
    const Object::NameList names = object.getNames();
    std::vector<const Object::ValueType*> sorted;  // filled on the first name out of order
    auto next = object.begin();
    out += '{';
    bool first = true;
    for (const std::string& name : names) {
        const Var* value = nullptr;
        if (sorted.empty() && next != object.end() && next->first == name) {
            value = &next->second;
            ++next;
        } else {
            if (sorted.empty()) {
                for (const Object::ValueType& entry : object) {
                    sorted.push_back(&entry);
                }
            }
            value = &(*std::lower_bound(sorted.begin(), sorted.end(), name,
                                        [](const Object::ValueType* entry, const std::string& key) {
                                            return entry->first < key;
                                        }))
                         ->second;
        }
        if (!first) {
            out += ',';
        }
        first = false;
        append_string(out, name);
        out += ':';
        append_json(out, *value);
    }
    out += '}';
}

void append_json(std::string& out, const Var& value) {
    const std::type_info& type = value.type();
    if (type == typeid(Object::Ptr)) {
        const Object::Ptr& object = value.extract<Object::Ptr>();
        if (object.isNull()) {
            out += "null";
        } else {
            append_json(out, *object);
        }
    } else if (type == typeid(Array::Ptr)) {
        const Array::Ptr& array = value.extract<Array::Ptr>();
        if (array.isNull()) {
            out += "null";
        } else {
            append_array(out, *array);
        }
    } else if (type == typeid(Object)) {
        append_json(out, value.extract<Object>());
    } else if (type == typeid(Array)) {
        append_array(out, value.extract<Array>());
    } else if (type == typeid(std::string)) {
        append_string(out, value.extract<std::string>());
    } else if (type == typeid(bool)) {
        out += value.extract<bool>() ? "true" : "false";
    } else if (value.isEmpty()) {
        out += "null";
    } else if (!(append_integer<int64_t>(out, value) || append_integer<int32_t>(out, value) ||
                 append_integer<uint64_t>(out, value) || append_integer<uint32_t>(out, value))) {
        append_as_poco(out, value);  // doubles, chars, dates, structs: as Poco writes them
    }
}

}  // namespace taskhost
