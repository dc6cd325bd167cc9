#include "plugins/item_columns.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "util/bounded_json.h"
#include "util/host_error.h"

namespace taskhost {
namespace {

using Poco::JSON::Object;

const std::string kColumnsFix =
    "fix the plugin's describe: \"item_columns\": [{\"title\": \"NAME\", \"key\": \"name\"}, "
    "...], at most 32 columns";

bool is_plain_text(const std::string& text) {
    for (unsigned char c : text) {
        if (c < 0x20 || c == 0x7f) {
            return false;
        }
    }
    return true;
}

// "a.b_c.d-e": segments of letters, digits, '_' and '-', none empty.
bool is_dotted_key(const std::string& key) {
    if (key.empty() || key.size() > kMaxItemColumnKeyChars) {
        return false;
    }
    size_t start = 0;
    while (true) {
        const size_t dot = key.find('.', start);
        const std::string segment =
            key.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        if (!is_identifier(segment, kMaxItemColumnKeyChars)) {
            return false;
        }
        if (dot == std::string::npos) {
            return true;
        }
        start = dot + 1;
    }
}

std::string column_text(const Object::Ptr& column, const std::string& field,
                        const std::string& where, const std::string& path) {
    const Poco::Dynamic::Var value = column->get(field);
    if (!column->has(field)) {
        fail(where, "describe " + path + "." + field + " is missing", kColumnsFix);
    }
    if (!value.isString() || value.extract<std::string>().empty()) {
        fail(where,
             "describe " + path + "." + field + " is " +
                 (value.isString() ? "empty" : json_type_name(value)) +
                 ", expected a non-empty string",
             kColumnsFix);
    }
    return value.extract<std::string>();
}

ItemColumn read_column(const Poco::Dynamic::Var& value, const std::string& where,
                       const std::string& path) {
    if (!is_json_object(value)) {
        fail(where, "describe " + path + " is " + json_type_name(value) + ", expected an object",
             kColumnsFix);
    }
    const Object::Ptr column = value.extract<Object::Ptr>();
    for (const auto& entry : *column) {
        if (entry.first != "title" && entry.first != "key") {
            fail(where, "describe " + json_path_child(path, entry.first) + " is not a column field",
                 "a column has only \"title\" and \"key\"");
        }
    }
    ItemColumn read{column_text(column, "title", where, path),
                    column_text(column, "key", where, path)};
    if (read.title.size() > kMaxItemColumnTitleChars || !is_plain_text(read.title)) {
        fail(where,
             "describe " + path + ".title \"" + printable(read.title, 40) +
                 "\" is not a usable column title",
             "use at most 32 characters, without control characters");
    }
    if (!is_dotted_key(read.key)) {
        fail(where,
             "describe " + path + ".key \"" + printable(read.key, 64) +
                 "\" is not a path into an item",
             "write member names with '.' between (\"validations.ov.status\"), at most 128 "
             "characters of letters, digits, '_' and '-'");
    }
    return read;
}

}  // namespace

std::vector<ItemColumn> read_item_columns(const Poco::Dynamic::Var& value, const std::string& where,
                                          const std::string& path) {
    if (!is_json_array(value)) {
        fail(where, "describe " + path + " is " + json_type_name(value) + ", expected an array",
             kColumnsFix);
    }
    const Poco::JSON::Array::Ptr list = value.extract<Poco::JSON::Array::Ptr>();
    if (list->size() > kMaxItemColumns) {
        fail(where,
             "describe " + path + " has " + std::to_string(list->size()) + " columns, more than " +
                 std::to_string(kMaxItemColumns),
             "keep at most 32 columns: a table wider than that is read as JSON");
    }
    std::vector<ItemColumn> columns;
    for (size_t i = 0; i < list->size(); ++i) {
        columns.push_back(read_column(list->get(i), where, json_path_index(path, i)));
    }
    return columns;
}

}  // namespace taskhost
