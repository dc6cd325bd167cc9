#include "tasks/task_submission.h"

#include <Poco/JSON/Array.h>

#include "tasks/task_params.h"
#include "util/bounded_json.h"
#include "util/json_fields.h"

namespace taskhost {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

const std::string kWhere = "request body";

CommandLineTask read_command_line(const Poco::Dynamic::Var& value) {
    const JsonFields fields = JsonFields::of(
        value, kWhere, "$.command_line", user_spec_field_rules(),
        "write {\"task\", \"arguments\": [\"name=value\", ...], \"account\", \"id\", "
        "\"check\"}");
    CommandLineTask command_line;
    // Field by field in the object's order, so the first bad field is the one named.
    for (const auto& entry : *fields.json()) {
        const std::string& key = entry.first;
        if (key == "task") {
            command_line.task = fields.text(key);
        } else if (key == "account") {
            command_line.account = fields.text(key);
        } else if (key == "id") {
            command_line.id = fields.text(key);
        } else if (key == "check") {
            command_line.check = fields.boolean(key);
        } else if (key == "arguments") {
            const Array::Ptr list = fields.array(key, "write [\"name=value\", ...]");
            if (list->size() > kMaxParamArguments) {
                fail(fields.where(key),
                     "has more than " + std::to_string(kMaxParamArguments) + " entries",
                     "pass fewer params, or put them in \"params\"");
            }
            for (size_t i = 0; i < list->size(); ++i) {
                if (!list->get(i).isString()) {
                    fail(fields.at(json_path_index(fields.child_path(key), i)),
                         wrong_type(list->get(i), "a string"),
                         "write each param as \"name=value\"");
                }
                command_line.assignments.push_back(list->get(i).extract<std::string>());
            }
        } else {
            fields.only_known({"task", "arguments", "account", "id", "check"});
        }
    }
    return command_line;
}

TaskSubmission read_submission(const Object::Ptr& root) {
    TaskSubmission submission;
    bool has_spec_fields = false;
    Object::Ptr spec_part = new Object;
    for (const auto& entry : *root) {
        if (entry.first == "command_line") {
            submission.command_line = read_command_line(entry.second);
        } else {
            spec_part->set(entry.first, entry.second);
            has_spec_fields = true;
        }
    }
    if (has_spec_fields || !root->has("command_line")) {
        Result<UserSpec> spec = parse_user_spec(to_json(spec_part), kWhere);
        if (!spec.ok()) {
            throw HostErrorException(spec.error());
        }
        submission.spec = std::move(spec.value());
    }
    const std::optional<std::string>& task =
        submission.command_line.task ? submission.command_line.task
                                     : (submission.spec ? submission.spec->task : std::nullopt);
    const std::optional<std::string>& id =
        submission.command_line.id ? submission.command_line.id
                                   : (submission.spec ? submission.spec->id : std::nullopt);
    submission.task_hint = task.value_or("");
    submission.id_hint = id.value_or("");
    return submission;
}

}  // namespace

Result<TaskSubmission> parse_task_submission(const std::string& body) {
    Result<Object::Ptr> root =
        parse_json_object(body, JsonLimits{kMaxTaskBodyBytes, kMaxUserSpecDepth}, kWhere);
    if (!root.ok()) {
        return root.error();
    }
    try {
        return read_submission(root.value());
    } catch (const HostErrorException& e) {
        return e.error();
    }
}

Object::Ptr command_line_json(const CommandLineTask& command_line) {
    Object::Ptr json = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    if (command_line.task) {
        json->set("task", *command_line.task);
    }
    Array::Ptr arguments = new Array;
    for (const std::string& word : command_line.assignments) {
        arguments->add(word);
    }
    json->set("arguments", arguments);
    if (command_line.account) {
        json->set("account", *command_line.account);
    }
    if (command_line.id) {
        json->set("id", *command_line.id);
    }
    json->set("check", command_line.check);
    return json;
}

}  // namespace taskhost
