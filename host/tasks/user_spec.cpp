#include "tasks/user_spec.h"

#include <Poco/JSON/Array.h>

#include <cctype>
#include <istream>

#include "util/bounded_json.h"

namespace taskhost {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

// "api_key", "apiKey", "API-KEY"... all the same secret under another spelling.
bool looks_like_api_key(const std::string& key) {
    std::string folded;
    for (char c : key) {
        if (c != '_' && c != '-') {
            folded += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
    }
    return folded == "apikey";
}

void refuse_keys(const Poco::Dynamic::Var& value, const std::string& path,
                 const std::string& where) {
    if (is_json_object(value)) {
        for (const auto& entry : *value.extract<Object::Ptr>()) {
            const std::string child = json_path_child(path, entry.first);
            if (looks_like_api_key(entry.first)) {
                fail(where + ": " + child, "a spec must never hold an API key",
                     "remove it and name an account instead (\"account\": \"NAME\" or --account "
                     "NAME); the account's key comes from its api_key_env or api_key_file");
            }
            refuse_keys(entry.second, child, where);
        }
    } else if (is_json_array(value)) {
        const Array::Ptr list = value.extract<Array::Ptr>();
        for (size_t i = 0; i < list->size(); ++i) {
            refuse_keys(list->get(i), json_path_index(path, i), where);
        }
    }
}

std::string optional_string(const Object::Ptr& spec, const std::string& key,
                            const std::string& where) {
    const Poco::Dynamic::Var value = spec->get(key);
    if (!value.isString() || value.extract<std::string>().empty()) {
        fail(where + ": " + json_path_child("$", key),
             value.isString() ? "is empty" : "is " + json_type_name(value) + ", expected a string",
             "write a non-empty string, or leave the field out");
    }
    return value.extract<std::string>();
}

UserSpec read_spec(const Object::Ptr& root, const std::string& where) {
    if (root->has("connection")) {
        fail(where + ": $.connection", "a spec must not give a connection",
             "remove it and name an account (\"account\": \"NAME\"); the host's config holds each "
             "account's URL and key source");
    }
    refuse_keys(root, "$", where);
    for (const auto& entry : *root) {
        const std::string& key = entry.first;
        if (key != "task" && key != "id" && key != "dry_run" && key != "account" &&
            key != "params") {
            fail(where + ": " + json_path_child("$", key), "is not a known field",
                 "remove it (known: task, id, dry_run, account, params)");
        }
    }
    UserSpec spec;
    if (root->has("task")) {
        spec.task = optional_string(root, "task", where);
    }
    if (root->has("id")) {
        spec.id = optional_string(root, "id", where);
        if (!is_valid_task_id(*spec.id)) {
            fail(where + ": $.id", "is not a usable id",
                 "use at most 128 printable characters without control characters");
        }
    }
    if (root->has("account")) {
        spec.account = optional_string(root, "account", where);
    }
    if (root->has("dry_run")) {
        const Poco::Dynamic::Var dry = root->get("dry_run");
        if (!dry.isBoolean()) {
            fail(where + ": $.dry_run", "is " + json_type_name(dry) + ", expected a boolean",
                 "write true or false");
        }
        spec.dry_run = dry.extract<bool>();
    }
    spec.params = new Object;
    if (root->has("params")) {
        const Poco::Dynamic::Var params = root->get("params");
        if (!is_json_object(params)) {
            fail(where + ": $.params", "is " + json_type_name(params) + ", expected an object",
                 "write the params as {\"name\": value, ...}");
        }
        spec.params = params.extract<Object::Ptr>();
    }
    return spec;
}

}  // namespace

bool is_valid_task_id(const std::string& id) {
    if (id.empty() || id.size() > 128) {
        return false;
    }
    for (unsigned char c : id) {
        if (c < 0x20 || c == 0x7f) {
            return false;
        }
    }
    return true;
}

Result<std::string> read_user_spec_text(const std::string& source, std::istream& in) {
    if (source == "-") {
        return read_bounded_stream(in, kMaxUserSpecBytes, "spec from stdin");
    }
    return read_bounded_file(source, kMaxUserSpecBytes, "spec " + source);
}

Result<UserSpec> parse_user_spec(const std::string& text, const std::string& source) {
    const std::string where = "spec " + source;
    Result<Object::Ptr> root =
        parse_json_object(text, JsonLimits{kMaxUserSpecBytes, kMaxUserSpecDepth}, where);
    if (!root.ok()) {
        return root.error();
    }
    try {
        return read_spec(root.value(), where);
    } catch (const HostErrorException& e) {
        return e.error();
    }
}

}  // namespace taskhost
