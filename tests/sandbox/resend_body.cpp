#include "resend_body.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

namespace sandbox {
namespace {

// The body is already capped at 64 KiB; this only stops a deeply nested bomb early.
constexpr size_t kMaxJsonDepth = 16;

using Field = std::variant<std::optional<std::string>, std::string>;  // value or error

Field optional_string(const Poco::JSON::Object& object, const std::string& name) {
    if (!object.has(name) || object.isNull(name)) {
        return std::optional<std::string>();
    }
    const Poco::Dynamic::Var value = object.get(name);
    if (!value.isString()) {
        return name + " must be a string";
    }
    return std::optional<std::string>(value.extract<std::string>());
}

}  // namespace

std::variant<ResendBody, std::string> parse_resend_body(const std::string& body) {
    Poco::Dynamic::Var parsed;
    try {
        Poco::JSON::Parser parser;
        parser.setDepth(kMaxJsonDepth);
        parsed = parser.parse(body);
    } catch (const Poco::Exception&) {
        return std::string("The request body must be a JSON object (it is not valid JSON)");
    }
    if (parsed.type() != typeid(Poco::JSON::Object::Ptr)) {
        return std::string("The request body must be a JSON object");
    }
    const Poco::JSON::Object& object = *parsed.extract<Poco::JSON::Object::Ptr>();

    ResendBody result;
    for (const char* name : {"name_scope", "locale"}) {
        Field field = optional_string(object, name);
        if (auto* error = std::get_if<std::string>(&field)) {
            return *error;
        }
        auto& value = std::get<std::optional<std::string>>(field);
        (std::string(name) == "name_scope" ? result.name_scope : result.locale) = value;
    }

    if (object.has("email_array") && !object.isNull("email_array")) {
        if (!object.isArray("email_array")) {
            return std::string("email_array must be an array of strings");
        }
        const Poco::JSON::Array& emails = *object.getArray("email_array");
        for (size_t i = 0; i < emails.size(); ++i) {
            const Poco::Dynamic::Var email = emails.get(static_cast<unsigned>(i));
            if (!email.isString()) {
                return "email_array[" + std::to_string(i) + "] must be a string";
            }
            result.email_array.push_back(email.extract<std::string>());
        }
    }
    return result;
}

}  // namespace sandbox
