// The body of POST /v1/tasks. Its main part is the user spec a playbook writes
// ({"task","id","dry_run","account","params"}, never a key); the CLI's client adds
// "command_line" ({"task","arguments":["name=value",...],"account","id","check"}) so that the
// daemon types and checks those words exactly as an in-process `taskhost run` would.
#pragma once

#include <Poco/JSON/Object.h>

#include <optional>
#include <string>

#include "tasks/task_request.h"
#include "tasks/user_spec.h"
#include "util/host_error.h"

namespace taskhost {

constexpr size_t kMaxTaskBodyBytes = kMaxUserSpecBytes;

struct TaskSubmission {
    CommandLineTask command_line;
    std::optional<UserSpec> spec;  // absent when the body held only "command_line"
    // What the answer names when the submission cannot become a request.
    std::string task_hint;
    std::string id_hint;
};

// Refuses (naming the field and the fix): more than 1 MiB, bad JSON, unknown fields, a key
// anywhere, a malformed "command_line".
Result<TaskSubmission> parse_task_submission(const std::string& body);

// The "command_line" object the client sends for `taskhost run --socket`.
Poco::JSON::Object::Ptr command_line_json(const CommandLineTask& command_line);

}  // namespace taskhost
