// Typed reads of JSON object fields for the spec parser, each naming the field's dotted path
// when the value is missing, of the wrong type or out of range. Null counts as absent: agents
// (Ansible, Salt) pass unset optional parameters as null.
#pragma once

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "secret_string.h"

namespace digicert_dcv {

// Parses `json` where it lies, through a stream over its bytes: Parser::parse(std::string) needs
// a std::string copy of the whole spec, key included, that nothing wipes. (With Poco's default
// allowNullByte and no comments, the stream path hands pdjson the bytes as they are read.)
Poco::Dynamic::Var parse_json_in_place(Poco::JSON::Parser& parser, std::string_view json);

// Thrown by the readers; parse_dcv_resend_spec turns it into a SpecError value at its edge.
struct SpecInvalid {
    std::string field;
    std::string msg;  // "<field>: <problem>"
};

[[noreturn]] void invalid(const std::string& field, const std::string& problem);

std::string join_path(const std::string& parent, const std::string& name);

// "a string", "an integer", "null", ... for "got ..." in messages.
const char* json_type_name(const Poco::Dynamic::Var& value);

// Any field not in `known` is invalid, named by its path, with the known fields listed.
void reject_unknown_fields(const Poco::JSON::Object& object, const std::string& path,
                           std::initializer_list<const char*> known);

Poco::JSON::Object::Ptr as_object(const Poco::Dynamic::Var& value, const std::string& field);

// A non-empty string of at most `max_bytes`, without control characters. A `secret` value is
// never quoted in a message, and its characters are left to the caller to check.
std::optional<std::string> optional_string(const Poco::JSON::Object& object,
                                           const std::string& path, const char* name,
                                           std::size_t max_bytes, bool secret = false);

// A JSON integer (not a string, float or bool) within [min, max].
// A secret string field (the API key): empty when absent or null, else a non-empty string of at
// most `max_bytes` (its characters are left to the caller to check), never quoted in a message.
// It is read in place, without the copies that Object::get makes, and its bytes in `object` are
// wiped once taken, so the parsed spec no longer holds it.
SecretString take_secret_string(const Poco::JSON::Object& object, const std::string& path,
                                const char* name, std::size_t max_bytes);

std::optional<int64_t> optional_integer(const Poco::JSON::Object& object, const std::string& path,
                                        const char* name, int64_t min, int64_t max);

std::optional<bool> optional_bool(const Poco::JSON::Object& object, const std::string& path,
                                  const char* name);

std::optional<Poco::JSON::Object::Ptr> optional_object(const Poco::JSON::Object& object,
                                                       const std::string& path, const char* name);

}  // namespace digicert_dcv
