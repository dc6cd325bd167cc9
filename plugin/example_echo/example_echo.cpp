// example_echo: a complete taskhost plugin in one file, written with taskhost/plugin_sdk.hpp.
// Copy this folder to start a plugin. It does every duty taskhost/plugin.h lays on a plugin:
//  - describe: static JSON naming the task, its params schema, its rate limits and the
//    account's connection settings ("connection_schema"), which the host checks for us;
//  - validate the whole spec before doing anything, and name the field that is wrong;
//  - the API key only names the pacing bucket, by hash; it is never echoed, logged or written;
//  - take the host's paced turn before the "request" (here: one line appended to the
//    connection's spool_file, so a test can count real executions), and honour cancellation;
//  - return one outcome; the SDK's barrier emits it, exactly once, whatever happens.
//
// Data flows one way: spec text -> EchoSpec (validated) -> the turn -> outcome JSON.
#include <fcntl.h>
#include <unistd.h>

#include <Poco/DigestEngine.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/SHA2Engine.h>

#include <cerrno>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <sstream>
#include <string>
#include <system_error>
#include <typeinfo>

#include "taskhost/plugin_sdk.hpp"

namespace {

using Poco::JSON::Object;

constexpr const char* kTaskName = "example.echo";

static_assert(TASKHOST_ABI_VERSION == 1, "kDescribe reports \"abi_version\": 1: update it");
constexpr const char kDescribe[] = R"json({
  "abi_version": 1,
  "name": "example_echo",
  "version": "0.1.0",
  "connection_schema": {
    "type": "object",
    "properties": {
      "endpoint": {"type": "string", "minLength": 1},
      "greeting": {"type": "string", "enum": ["hello", "hi"], "default": "hello"},
      "spool_file": {"type": "string", "format": "path"}
    },
    "required": ["endpoint"],
    "additionalProperties": false
  },
  "tasks": [{
    "name": "example.echo",
    "summary": "Echo params back, through a paced request-less turn",
    "params_schema": {
      "type": "object",
      "properties": {
        "message": {"type": "string", "maxLength": 1000},
        "repeat": {"type": "integer", "minimum": 1, "maximum": 10, "default": 1}
      },
      "required": ["message"],
      "additionalProperties": false
    },
    "supports_dry_run": true,
    "sensitive_params": [],
    "rate_limits": [{"scope": "api_key", "requests": 50, "per_seconds": 1}]
  }]
})json";

constexpr std::size_t kMaxMessageChars = 1000;
constexpr int64_t kMaxRepeat = 10;

// The spec, validated: nothing below this line looks at JSON text again.
struct EchoSpec {
    std::string id;
    bool dry_run = false;
    std::string message;
    int64_t repeat = 1;
    std::string endpoint;
    std::string greeting = "hello";
    std::optional<std::string> spool_file;
    std::optional<std::string> api_key;
};

// A field of the spec that the task does not accept. Thrown while reading the spec and caught
// in run_echo, so it never reaches the barrier.
struct InvalidInput {
    std::string field;    // its path in the spec, e.g. "params.repeat"
    std::string problem;  // what is wrong, for a person
};

// ---- Reading the spec ------------------------------------------------------------------------

std::string path_of(const std::string& parent, const std::string& key) {
    return parent.empty() ? key : parent + "." + key;
}

void reject_unknown_fields(const Object& object, const std::string& path,
                           std::initializer_list<const char*> known) {
    for (const auto& entry : object) {
        bool found = false;
        for (const char* name : known) {
            found = found || entry.first == name;
        }
        if (!found) {
            throw InvalidInput{path_of(path, entry.first), "is not a known field"};
        }
    }
}

Object::Ptr object_field(const Object& parent, const std::string& path, const char* key) {
    const Poco::Dynamic::Var value = parent.get(key);
    if (value.isEmpty() || value.type() != typeid(Object::Ptr)) {
        throw InvalidInput{path_of(path, key), "is required, as an object"};
    }
    return value.extract<Object::Ptr>();
}

std::optional<std::string> string_field(const Object& parent, const std::string& path,
                                        const char* key) {
    if (!parent.has(key)) {
        return std::nullopt;
    }
    const Poco::Dynamic::Var value = parent.get(key);
    if (!value.isString()) {
        throw InvalidInput{path_of(path, key), "must be a string"};
    }
    return value.extract<std::string>();
}

// "maxLength" counts characters, not bytes: the code points of `text`, which Poco's parser has
// already checked is valid UTF-8 (it refuses a spec that is not).
std::size_t utf8_length(const std::string& text) {
    std::size_t count = 0;
    for (const char c : text) {
        count += (static_cast<unsigned char>(c) & 0xc0) != 0x80 ? 1 : 0;
    }
    return count;
}

// Fills `spec` field by field (so a failure can still echo the id it read); throws
// InvalidInput for the first field that is wrong.
void read_spec(const char* task_json, EchoSpec& spec) {
    if (task_json == nullptr) {
        throw InvalidInput{"$", "the task spec is missing (NULL)"};
    }
    Poco::Dynamic::Var parsed;
    try {
        parsed = Poco::JSON::Parser().parse(task_json);
    } catch (const Poco::Exception&) {
        // Poco's message can quote raw bytes of the input: say it in our words.
        throw InvalidInput{"$", "is not valid JSON (UTF-8)"};
    }
    if (parsed.type() != typeid(Object::Ptr)) {
        throw InvalidInput{"$", "must be a JSON object"};
    }
    const Object::Ptr root = parsed.extract<Object::Ptr>();
    spec.id = string_field(*root, "", "id").value_or("");
    reject_unknown_fields(*root, "", {"task", "id", "dry_run", "params", "connection"});
    if (string_field(*root, "", "task").value_or("") != kTaskName) {
        throw InvalidInput{"task", std::string("must be \"") + kTaskName + "\""};
    }
    if (root->has("dry_run")) {
        if (!root->get("dry_run").isBoolean()) {
            throw InvalidInput{"dry_run", "must be true or false"};
        }
        spec.dry_run = root->get("dry_run").extract<bool>();
    }

    const Object::Ptr params = object_field(*root, "", "params");
    reject_unknown_fields(*params, "params", {"message", "repeat"});
    const auto message = string_field(*params, "params", "message");
    if (!message) {
        throw InvalidInput{"params.message", "is required"};
    }
    if (utf8_length(*message) > kMaxMessageChars) {
        throw InvalidInput{"params.message", "is longer than 1000 characters"};
    }
    spec.message = *message;
    if (params->has("repeat")) {
        const Poco::Dynamic::Var repeat = params->get("repeat");
        int64_t value = 0;
        try {
            value = repeat.isInteger() && !repeat.isBoolean() ? repeat.convert<int64_t>() : 0;
        } catch (const Poco::Exception&) {
            value = 0;  // out of int64 range
        }
        if (value < 1 || value > kMaxRepeat) {
            throw InvalidInput{"params.repeat", "must be an integer from 1 to 10"};
        }
        spec.repeat = value;
    }

    const Object::Ptr connection = object_field(*root, "", "connection");
    reject_unknown_fields(*connection, "connection",
                          {"endpoint", "greeting", "spool_file", "api_key"});
    spec.endpoint = string_field(*connection, "connection", "endpoint").value_or("");
    if (spec.endpoint.empty()) {
        throw InvalidInput{"connection.endpoint", "is required, a non-empty string"};
    }
    spec.greeting = string_field(*connection, "connection", "greeting").value_or("hello");
    if (spec.greeting != "hello" && spec.greeting != "hi") {
        throw InvalidInput{"connection.greeting", "must be \"hello\" or \"hi\""};
    }
    spec.spool_file = string_field(*connection, "connection", "spool_file");
    if (spec.spool_file && spec.spool_file->empty()) {
        throw InvalidInput{"connection.spool_file", "must not be empty"};
    }
    spec.api_key = string_field(*connection, "connection", "api_key");
    if (spec.api_key && spec.api_key->empty()) {
        spec.api_key.reset();
    }
    if (!spec.api_key && !spec.dry_run) {
        throw InvalidInput{"connection.api_key",
                           "is required to run (only a dry run plans without a key)"};
    }
}

// ---- The work ------------------------------------------------------------------------------

// The pacing bucket for a key: its hash, never the key. Short and printable (plugin.h).
std::string bucket_for_key(const std::string& api_key) {
    Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
    sha.update(api_key);
    return "example:" + Poco::DigestEngine::digestToHex(sha.digest()).substr(0, 12);
}

// `text` kept on one line (a spool line, the outcome's msg): control bytes become '?'.
std::string one_line(std::string text) {
    for (char& c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) {
            c = '?';
        }
    }
    return text;
}

// Appends "<id> <message>\n" with one write(2) on an O_APPEND descriptor, so concurrent
// executions never interleave. Returns errno, 0 on success.
int append_to_spool(const std::string& path, const EchoSpec& spec) {
    const std::string line = one_line(spec.id) + " " + one_line(spec.message) + "\n";
    const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        return errno;
    }
    const ssize_t written = ::write(fd, line.data(), line.size());
    const int error =
        written == static_cast<ssize_t>(line.size()) ? 0 : (written < 0 ? errno : EIO);
    ::close(fd);
    return error;
}

// ---- The outcome ---------------------------------------------------------------------------

std::string stringify(const Object::Ptr& object) {
    std::ostringstream out;
    object->stringify(out);
    return out.str();
}

Object::Ptr ordered_object() {
    return new Object(Poco::JSON_PRESERVE_KEY_ORDER);
}

Object::Ptr outcome_head(const std::string& id, const char* status, bool changed, bool failed,
                         const std::string& msg) {
    Object::Ptr outcome = ordered_object();
    outcome->set("task", kTaskName);
    outcome->set("id", id);
    outcome->set("status", status);
    outcome->set("changed", changed);
    outcome->set("failed", failed);
    outcome->set("msg", msg);
    return outcome;
}

taskhost::sdk::Outcome failure(const std::string& id, const char* status, const char* kind,
                               const std::string& msg, bool retryable,
                               const std::string& field = {}) {
    Object::Ptr outcome = outcome_head(id, status, false, true, msg);
    Object::Ptr error = ordered_object();
    error->set("kind", kind);
    error->set("msg", msg);
    error->set("retryable", retryable);
    Object::Ptr details = ordered_object();
    if (!field.empty()) {
        details->set("field", field);
    }
    error->set("details", details);
    outcome->set("error", error);
    return {stringify(outcome), true};
}

taskhost::sdk::Outcome done(const EchoSpec& spec) {
    const std::string msg = spec.greeting + ", " + one_line(spec.message) + " x" +
                            std::to_string(spec.repeat) + " via " + one_line(spec.endpoint);
    Object::Ptr outcome =
        outcome_head(spec.id, spec.dry_run ? "planned" : "succeeded", !spec.dry_run, false, msg);
    outcome->set("key_present", spec.api_key.has_value());
    Object::Ptr echo = ordered_object();
    echo->set("message", spec.message);
    echo->set("repeat", spec.repeat);
    outcome->set("echo", echo);
    Object::Ptr connection = ordered_object();  // the settings, never the key
    connection->set("endpoint", spec.endpoint);
    connection->set("greeting", spec.greeting);
    if (spec.spool_file) {
        connection->set("spool_file", *spec.spool_file);
    }
    outcome->set("connection", connection);
    return {stringify(outcome), false};
}

// ---- The task ------------------------------------------------------------------------------

taskhost::sdk::Outcome run_echo(const char* task_json, const taskhost::sdk::Host& host) {
    EchoSpec spec;
    try {
        read_spec(task_json, spec);
    } catch (const InvalidInput& invalid) {
        return failure(spec.id, "failed", "invalid_input", invalid.field + " " + invalid.problem,
                       false, invalid.field);
    }
    if (spec.dry_run) {
        return done(spec);  // a plan: nothing is written, so no turn is needed
    }
    if (host.cancelled()) {
        return failure(spec.id, "cancelled", "cancelled", "cancelled before the echo", false);
    }
    // The turn for this execution's one "request"; it closes when we return (plugin.h:
    // the request-in-flight rule).
    if (!host.acquire(bucket_for_key(*spec.api_key))) {
        if (host.cancelled()) {
            return failure(spec.id, "cancelled", "cancelled", "cancelled while waiting for a turn",
                           false);
        }
        return failure(spec.id, "failed", "rate_limited",
                       "the host's pacer gave no turn for this API key (out of time)", true);
    }
    if (host.cancelled()) {
        return failure(spec.id, "cancelled", "cancelled", "cancelled before the echo", false);
    }
    if (spec.spool_file) {
        const int error = append_to_spool(*spec.spool_file, spec);
        if (error != 0) {
            const char* kind = error == EACCES || error == EPERM || error == EROFS ? "permission"
                               : error == ENOENT || error == ENOTDIR               ? "not_found"
                                                                                   : "internal";
            return failure(spec.id, "failed", kind,
                           "cannot append to connection.spool_file " + one_line(*spec.spool_file) +
                               ": " + std::generic_category().message(error),
                           false, "connection.spool_file");
        }
    }
    host.log(TASKHOST_LOG_INFO,
             "echoed " + std::to_string(spec.repeat) + " time(s) via " + one_line(spec.endpoint));
    return done(spec);
}

constexpr taskhost::sdk::FailureOutcomes kFailures{"example_echo"};

const char* describe_echo() {
    return kDescribe;
}

int execute_echo(const char* task_json, const taskhost_host* host) {
    return taskhost::sdk::execute_guarded(task_json, host, kFailures, run_echo);
}

}  // namespace

TASKHOST_PLUGIN(describe_echo, execute_echo);
