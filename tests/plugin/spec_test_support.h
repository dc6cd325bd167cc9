// Builds task specs for the unit tests: a valid spec as a Poco object that a test edits at a
// dotted path before turning it into text.
#pragma once

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <sstream>
#include <string>

namespace dcv_test {

inline constexpr const char* kCanaryKey = "CANARY-KEY-7f3a9c";

inline Poco::JSON::Object::Ptr valid_spec_object() {
    Poco::JSON::Parser parser;
    return parser
        .parse(R"({"task":"digicert.dcv.resend","id":"run-42","dry_run":false,
                   "params":{"domain_id":1234567,"name_scope":"sub.example.com","locale":"en",
                             "email_array":["admin@example.com"]},
                   "connection":{"base_url":"https://www.digicert.com/services/v2",
                                 "api_key":"CANARY-KEY-7f3a9c","timeout_ms":15000,
                                 "retry":{"max_attempts":5,"initial_delay_ms":500,
                                          "max_delay_ms":30000,"deadline_ms":120000}}})")
        .extract<Poco::JSON::Object::Ptr>();
}

// The object at a dotted path ("connection.retry"); "" is the root.
inline Poco::JSON::Object::Ptr object_at(const Poco::JSON::Object::Ptr& root,
                                         const std::string& path) {
    Poco::JSON::Object::Ptr current = root;
    std::size_t start = 0;
    while (start < path.size()) {
        const std::size_t dot = path.find('.', start);
        const std::string name = path.substr(start, dot == std::string::npos ? dot : dot - start);
        current = current->getObject(name);
        start = dot == std::string::npos ? path.size() : dot + 1;
    }
    return current;
}

inline std::string to_text(const Poco::JSON::Object::Ptr& object) {
    std::ostringstream out;
    object->stringify(out);
    return out.str();
}

}  // namespace dcv_test

namespace dcv_test {

// The valid spec with `name` inside the object at `path` set to the JSON value `json_value`.
inline std::string spec_with(const std::string& path, const std::string& name,
                             const std::string& json_value) {
    Poco::JSON::Object::Ptr root = valid_spec_object();
    Poco::JSON::Parser parser;
    const Poco::Dynamic::Var wrapped = parser.parse("[" + json_value + "]");
    object_at(root, path)->set(name, wrapped.extract<Poco::JSON::Array::Ptr>()->get(0));
    return to_text(root);
}

// The valid spec without `name` inside the object at `path`.
inline std::string spec_without(const std::string& path, const std::string& name) {
    Poco::JSON::Object::Ptr root = valid_spec_object();
    object_at(root, path)->remove(name);
    return to_text(root);
}

}  // namespace dcv_test
