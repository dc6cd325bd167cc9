#include "dcv_resend_spec.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "dcv_resend_params.h"
#include "printable_text.h"
#include "spec_json_reader.h"

namespace digicert_dcv {
namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Object;

// Poco's parser messages can quote input bytes; keep the useful part, drop echoed numbers.
std::string describe_json_error(const Poco::Exception& e) {
    const std::string message = e.message();
    if (message.find("Maximum depth") != std::string::npos) {
        return "nests deeper than " + std::to_string(kMaxSpecDepth) + " levels";
    }
    if (message.find("Not a valid") != std::string::npos) {
        return "has a number that is too large or malformed";
    }
    return printable_excerpt(message, 120);
}

// Read before validation so that even a rejected spec's outcome names its task and id.
void read_task_and_id(const Object& root, SpecError& error) {
    if (const Var task = root.get("task"); task.isString()) {
        error.task = printable_excerpt(task.extract<std::string>(), 64);
    }
    if (const Var id = root.get("id"); id.isString()) {
        const std::string text = id.extract<std::string>();
        if (!text.empty() && text.size() <= kMaxIdLength &&
            printable_excerpt(text, kMaxIdLength) == text) {
            error.id = text;
        }
    }
}

DcvResendSpec parse_root(const Object& root) {
    reject_unknown_fields(root, "", {"task", "id", "dry_run", "params", "connection"});
    const auto task = optional_string(root, "", "task", 64);
    if (!task) {
        invalid("task", "is required: \"" + std::string(kTaskName) + "\"");
    }
    if (*task != kTaskName) {
        invalid("task", quoted_excerpt(*task) + " is not a task of this plugin; the only task is " +
                            std::string(kTaskName));
    }
    DcvResendSpec spec;
    spec.id = optional_string(root, "", "id", kMaxIdLength);
    spec.dry_run = optional_bool(root, "", "dry_run").value_or(false);
    const auto params = optional_object(root, "", "params");
    if (!params) {
        invalid("params", "is required, with domain_id (or domain)");
    }
    spec.params = parse_dcv_resend_params(**params);
    const auto connection = optional_object(root, "", "connection");
    if (!connection) {
        invalid("connection", "is required, with region or base_url and (unless dry_run) api_key");
    }
    spec.connection = parse_connection_settings(**connection, spec.dry_run);
    return spec;
}

}  // namespace

std::variant<DcvResendSpec, SpecError> parse_dcv_resend_spec(std::string_view json) {
    SpecError error;
    if (json.size() > kMaxSpecBytes) {
        error.field = "$";
        error.msg = "task spec is " + std::to_string(json.size()) + " bytes; the limit is " +
                    std::to_string(kMaxSpecBytes);
        return error;
    }
    Var root;
    try {
        Poco::JSON::Parser parser;
        parser.setDepth(kMaxSpecDepth);
        root = parse_json_in_place(parser, json);
    } catch (const Poco::Exception& e) {
        error.field = "$";
        error.msg = "task spec is not valid JSON: " + describe_json_error(e);
        return error;
    }
    if (root.type() != typeid(Object::Ptr)) {
        error.field = "$";
        error.msg = std::string("task spec must be a JSON object, got ") + json_type_name(root);
        return error;
    }
    const Object::Ptr object = root.extract<Object::Ptr>();
    try {
        return parse_root(*object);
    } catch (const SpecInvalid& e) {
        error.field = e.field;
        error.msg = e.msg;
        read_task_and_id(*object, error);
        return error;
    }
}

}  // namespace digicert_dcv
