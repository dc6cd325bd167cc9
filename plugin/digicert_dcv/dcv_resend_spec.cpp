#include "dcv_resend_spec.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "dcv_resend_params.h"
#include "printable_text.h"
#include "spec_json_reader.h"
#include "spec_key_blanking.h"

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

using ParsedSpec = std::variant<DcvResendSpec, DomainListSpec>;

ParsedSpec parse_root(const Object& root) {
    reject_unknown_fields(root, "", {"task", "id", "dry_run", "params", "connection"});
    const auto task = optional_string(root, "", "task", 64);
    const std::string tasks = std::string(kTaskName) + " or " + std::string(kDomainListTaskName);
    if (!task) {
        invalid("task", "is required: " + tasks);
    }
    const bool listing = *task == kDomainListTaskName;
    if (*task != kTaskName && !listing) {
        invalid("task",
                quoted_excerpt(*task) + " is not a task of this plugin; its tasks are " + tasks);
    }
    const auto id = optional_string(root, "", "id", kMaxIdLength);
    const bool dry_run = optional_bool(root, "", "dry_run").value_or(false);
    const auto params = optional_object(root, "", "params");
    if (!params && !listing) {
        invalid("params", "is required, with domain_id (or domain)");
    }
    const auto connection = optional_object(root, "", "connection");
    if (!connection) {
        invalid("connection", "is required, with region or base_url and (unless dry_run) api_key");
    }
    if (listing) {
        DomainListSpec spec;
        spec.id = id;
        spec.params = parse_domain_list_params(params ? **params : Object());
        // A listing only reads, so a dry run runs it too: it needs the key.
        spec.connection = parse_connection_settings(**connection, false);
        return spec;
    }
    DcvResendSpec spec;
    spec.id = id;
    spec.dry_run = dry_run;
    spec.params = parse_dcv_resend_params(**params);
    spec.connection = parse_connection_settings(**connection, spec.dry_run);
    return spec;
}

// The parsed connection.api_key is what blank_api_key left there (the 'x's, or no key when it
// found none): then the parser never read the key. Read in place (Object::get would copy).
bool holds_blank_key(const Object& root, const BlankedSpec& blanked) {
    const std::string* parsed = nullptr;
    for (const auto& member : root) {
        if (member.first != "connection" || member.second.type() != typeid(Object::Ptr)) {
            continue;
        }
        for (const auto& field : *member.second.extract<Object::Ptr>()) {
            if (field.first == "api_key" && field.second.type() == typeid(std::string)) {
                parsed = &field.second.extract<std::string>();
            }
        }
    }
    if (blanked.keys == 0) {
        return parsed == nullptr;
    }
    return parsed != nullptr && parsed->size() == blanked.api_key.size() &&
           parsed->find_first_not_of('x') == std::string::npos;
}

}  // namespace

std::variant<DcvResendSpec, DomainListSpec, SpecError> parse_task_spec(std::string_view json,
                                                                       bool& key_reached_parser) {
    SpecError error;
    key_reached_parser = false;
    if (json.size() > kMaxSpecBytes) {
        error.field = "$";
        error.msg = "task spec is " + std::to_string(json.size()) + " bytes; the limit is " +
                    std::to_string(kMaxSpecBytes);
        return error;
    }
    std::optional<BlankedSpec> blanked = blank_api_key(json, static_cast<int>(kMaxSpecDepth));
    // Without a blanked copy the parser reads the text as it is, whatever key it holds.
    key_reached_parser = !blanked.has_value();
    Var root;
    try {
        Poco::JSON::Parser parser;
        parser.setDepth(kMaxSpecDepth);
        root = parse_json_in_place(parser, blanked ? blanked->text.view() : json);
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
    const bool substitute = blanked && holds_blank_key(*object, *blanked);
    key_reached_parser = key_reached_parser || !substitute;
    try {
        ParsedSpec spec = parse_root(*object);
        ConnectionSettings& connection = std::holds_alternative<DcvResendSpec>(spec)
                                             ? std::get<DcvResendSpec>(spec).connection
                                             : std::get<DomainListSpec>(spec).connection;
        if (substitute && blanked->keys == 1) {
            replace_api_key(connection, std::move(blanked->api_key));
        }
        if (auto* resend = std::get_if<DcvResendSpec>(&spec)) {
            return std::move(*resend);
        }
        return std::move(std::get<DomainListSpec>(spec));
    } catch (const SpecInvalid& e) {
        error.field = e.field;
        error.msg = e.msg;
        read_task_and_id(*object, error);
        return error;
    }
}

std::variant<DcvResendSpec, DomainListSpec, SpecError> parse_task_spec(std::string_view json) {
    bool key_reached_parser = false;
    return parse_task_spec(json, key_reached_parser);
}

std::variant<DcvResendSpec, SpecError> parse_dcv_resend_spec(std::string_view json) {
    auto parsed = parse_task_spec(json);
    if (auto* resend = std::get_if<DcvResendSpec>(&parsed)) {
        return std::move(*resend);
    }
    if (auto* error = std::get_if<SpecError>(&parsed)) {
        return std::move(*error);
    }
    return SpecError{
        "task", "task: is " + std::string(kDomainListTaskName) + ", not " + std::string(kTaskName),
        std::string(kDomainListTaskName), std::get<DomainListSpec>(parsed).id};
}

}  // namespace digicert_dcv
