#include "plugins/plugin_description.h"

#include <Poco/JSON/Array.h>

#include <cstring>
#include <set>

#include "util/bounded_json.h"

namespace taskhost {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

const std::string kFix = "fix the plugin's describe JSON, or remove the plugin";

// The major version in "abi_version": 1, or "1" / "1.2".
bool read_abi_major(const Poco::Dynamic::Var& value, uint32_t& major) {
    try {
        if (value.isInteger() && !value.isBoolean()) {
            const int64_t number = value.convert<int64_t>();
            if (number < 0 || number > UINT32_MAX) {
                return false;
            }
            major = static_cast<uint32_t>(number);
            return true;
        }
        if (value.isString()) {
            const std::string text = value.extract<std::string>();
            size_t digits = 0;
            while (digits < text.size() && digits < 9 && text[digits] >= '0' &&
                   text[digits] <= '9') {
                ++digits;
            }
            if (digits == 0 || (digits < text.size() && text[digits] != '.')) {
                return false;
            }
            major = static_cast<uint32_t>(std::stoul(text.substr(0, digits)));
            return true;
        }
    } catch (const std::exception&) {
    }
    return false;
}

std::string required_string(const Object::Ptr& object, const std::string& key,
                            const std::string& where, const std::string& path) {
    const Poco::Dynamic::Var value = object->get(key);
    if (!value.isString() || value.extract<std::string>().empty()) {
        fail(where,
             "describe " + json_path_child(path, key) + " is " +
                 (value.isString() ? "empty" : json_type_name(value)) +
                 ", expected a non-empty string",
             kFix);
    }
    return value.extract<std::string>();
}

// A boolean a task may state ("supports_dry_run", "read_only"); false when absent.
bool optional_flag(const Object::Ptr& task, const std::string& key, const std::string& where,
                   const std::string& path) {
    if (!task->has(key)) {
        return false;
    }
    const Poco::Dynamic::Var value = task->get(key);
    if (!value.isBoolean()) {
        fail(where,
             "describe " + path + "." + key + " is " + json_type_name(value) +
                 ", expected a boolean",
             kFix + " (write \"" + key + "\": true or false)");
    }
    return value.extract<bool>();
}

std::vector<std::string> read_sensitive_params(const Poco::Dynamic::Var& sensitive,
                                               const std::string& where, const std::string& path) {
    if (!is_json_array(sensitive)) {
        fail(where,
             "describe " + path + " is " + json_type_name(sensitive) +
                 ", expected an array of names",
             kFix);
    }
    std::vector<std::string> names;
    for (const Poco::Dynamic::Var& name : *sensitive.extract<Array::Ptr>()) {
        if (!name.isString()) {
            fail(where,
                 "describe " + path + " holds " + json_type_name(name) + ", expected param names",
                 kFix);
        }
        names.push_back(name.extract<std::string>());
    }
    return names;
}

TaskDescription read_task(const Poco::Dynamic::Var& value, const std::string& where,
                          const std::string& path) {
    if (!is_json_object(value)) {
        fail(where, "describe " + path + " is " + json_type_name(value) + ", expected an object",
             kFix);
    }
    TaskDescription task;
    task.raw = value.extract<Object::Ptr>();
    task.name = required_string(task.raw, "name", where, path);
    if (!is_identifier(task.name)) {
        fail(where,
             "describe " + path + ".name \"" + printable(task.name, 64) + "\" is not a task name",
             "use letters, digits, '_', '-' and '.', at most 128 characters");
    }
    task.summary = required_string(task.raw, "summary", where, path);
    const Poco::Dynamic::Var schema = task.raw->get("params_schema");
    if (!is_json_object(schema)) {
        fail(where,
             "describe " + path + ".params_schema is " + json_type_name(schema) +
                 ", expected a JSON Schema object",
             kFix);
    }
    task.params_schema = schema.extract<Object::Ptr>();
    const Poco::Dynamic::Var properties = task.params_schema->get("properties");
    if (!properties.isEmpty() && !is_json_object(properties)) {
        fail(where,
             "describe " + path + ".params_schema.properties is " + json_type_name(properties) +
                 ", expected an object",
             kFix);
    }
    // From here on errors name the task too.
    const std::string task_where = where + ": task " + task.name;
    task.supports_dry_run = optional_flag(task.raw, "supports_dry_run", task_where, path);
    task.read_only = optional_flag(task.raw, "read_only", task_where, path);
    if (task.raw->has("item_columns")) {
        task.item_columns =
            read_item_columns(task.raw->get("item_columns"), task_where, path + ".item_columns");
    }
    if (task.raw->has("sensitive_params")) {
        task.sensitive_params = read_sensitive_params(task.raw->get("sensitive_params"), task_where,
                                                      path + ".sensitive_params");
    }
    if (task.raw->has("rate_limits") && !is_json_array(task.raw->get("rate_limits"))) {
        fail(where, "describe " + path + ".rate_limits is not an array", kFix);
    }
    return task;
}

PluginDescription read_description(const Object::Ptr& root, uint32_t host_abi,
                                   const std::string& where) {
    PluginDescription description;
    description.raw = root;
    if (!root->has("abi_version") ||
        !read_abi_major(root->get("abi_version"), description.abi_major)) {
        fail(where, "describe has no usable \"abi_version\"",
             "the plugin must report the ABI it was built for, e.g. \"abi_version\": " +
                 std::to_string(host_abi));
    }
    if (description.abi_major != host_abi) {
        fail(where,
             "plugin reports ABI " + std::to_string(description.abi_major) +
                 ", this taskhost speaks ABI " + std::to_string(host_abi),
             "install a build of the plugin for ABI " + std::to_string(host_abi) +
                 ", or a taskhost that speaks ABI " + std::to_string(description.abi_major));
    }
    description.name = required_string(root, "name", where, "$");
    description.version = required_string(root, "version", where, "$");
    const Poco::Dynamic::Var tasks = root->get("tasks");
    if (!is_json_array(tasks)) {
        fail(where, "describe $.tasks is " + json_type_name(tasks) + ", expected an array", kFix);
    }
    const Array::Ptr list = tasks.extract<Array::Ptr>();
    if (list->size() == 0) {
        // A plugin offering nothing is a broken build, not a plugin to list silently.
        fail(where, "describe $.tasks is empty: the plugin offers no task", kFix);
    }
    if (list->size() > kMaxTasksPerPlugin) {
        fail(where,
             "describe lists " + std::to_string(list->size()) + " tasks, more than " +
                 std::to_string(kMaxTasksPerPlugin),
             kFix);
    }
    const Poco::Dynamic::Var connection = root->get("connection_schema");
    if (!connection.isEmpty() && !is_json_object(connection)) {
        fail(where,
             "describe $.connection_schema is " + json_type_name(connection) +
                 ", expected an object",
             kFix);
    }
    if (!connection.isEmpty()) {
        description.connection_schema = connection.extract<Object::Ptr>();
    }
    std::set<std::string> names;
    for (size_t i = 0; i < list->size(); ++i) {
        TaskDescription task = read_task(list->get(i), where, json_path_index("$.tasks", i));
        if (!names.insert(task.name).second) {
            fail(where, "describe lists task " + task.name + " twice", kFix);
        }
        description.tasks.push_back(std::move(task));
    }
    return description;
}

Poco::Dynamic::Var property_schema_field(const TaskDescription& task, const std::string& param,
                                         const std::string& field) {
    const Poco::Dynamic::Var properties = task.params_schema->get("properties");
    if (!is_json_object(properties)) {
        return {};
    }
    const Poco::Dynamic::Var schema = properties.extract<Object::Ptr>()->get(param);
    if (!is_json_object(schema)) {
        return {};
    }
    return schema.extract<Object::Ptr>()->get(field);
}

// "type": "integer", or ["integer", "null"]: the first that is not "null".
std::string type_of(const Poco::Dynamic::Var& type) {
    if (type.isString()) {
        return type.extract<std::string>();
    }
    if (is_json_array(type)) {
        for (const Poco::Dynamic::Var& each : *type.extract<Array::Ptr>()) {
            if (each.isString() && each.extract<std::string>() != "null") {
                return each.extract<std::string>();
            }
        }
    }
    return "";
}

}  // namespace

Result<PluginDescription> parse_plugin_description(const char* text, uint32_t host_abi,
                                                   const std::string& where) {
    if (text == nullptr) {
        return HostError{where, "plugin_describe returned NULL", kFix};
    }
    const size_t length = ::strnlen(text, kMaxDescribeBytes + 1);
    if (length > kMaxDescribeBytes) {
        return HostError{
            where, "describe JSON is longer than " + std::to_string(kMaxDescribeBytes) + " bytes",
            kFix};
    }
    Result<Object::Ptr> root =
        parse_json_object(std::string(text, length),
                          JsonLimits{kMaxDescribeBytes, kMaxDescribeDepth}, "describe JSON");
    if (!root.ok()) {
        return HostError{
            where, "describe is not usable: " + root.error().where + ": " + root.error().problem,
            kFix};
    }
    try {
        return read_description(root.value(), host_abi, where);
    } catch (const HostErrorException& e) {
        return e.error();
    }
}

std::string param_type(const TaskDescription& task, const std::string& param) {
    return type_of(property_schema_field(task, param, "type"));
}

std::string param_item_type(const TaskDescription& task, const std::string& param) {
    const Poco::Dynamic::Var items = property_schema_field(task, param, "items");
    if (!is_json_object(items)) {
        return "";
    }
    return type_of(items.extract<Object::Ptr>()->get("type"));
}

}  // namespace taskhost
