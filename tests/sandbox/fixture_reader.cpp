#include "fixture_reader.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace sandbox {
namespace {

constexpr std::streamoff kMaxFixtureBytes = 1 << 20;
constexpr size_t kMaxEmailsPerList = 100;
constexpr size_t kMaxNameLength = 253;  // the longest DNS name
constexpr size_t kMaxJsonDepth = 8;

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

}  // namespace

void FixtureReader::fail(const std::string& field, const std::string& problem) const {
    throw std::runtime_error("domain fixture " + path_ + ": " + field + ": " + problem);
}

std::string FixtureReader::read_text() const {
    std::ifstream in(path_, std::ios::binary);
    if (!in) {
        fail("(file)", "cannot be opened; pass an existing readable JSON file");
    }
    in.seekg(0, std::ios::end);
    const std::streamoff size = in.tellg();
    if (size > kMaxFixtureBytes) {
        fail("(file)", "is " + std::to_string(size) + " bytes; the limit is " +
                           std::to_string(kMaxFixtureBytes));
    }
    in.seekg(0);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

Object::Ptr FixtureReader::parse_top_level() const {
    Var parsed;
    try {
        Poco::JSON::Parser parser;
        parser.setDepth(kMaxJsonDepth);
        parsed = parser.parse(read_text());
    } catch (const Poco::Exception&) {
        fail("(file)", "is not valid JSON (or nests deeper than " + std::to_string(kMaxJsonDepth) +
                           " levels)");
    }
    if (parsed.type() != typeid(Object::Ptr)) {
        fail("(top level)", "must be an object: {\"domains\": [...]}");
    }
    return parsed.extract<Object::Ptr>();
}

void FixtureReader::require_known(const Object& object, const std::string& field,
                                  const std::set<std::string>& known) const {
    for (const auto& [name, value] : object) {
        if (known.count(name) == 0) {
            std::string list;
            for (const std::string& candidate : known) {
                list += (list.empty() ? "" : ", ") + candidate;
            }
            fail(field + "." + name, "is not a known field; use " + list);
        }
    }
}

Object::Ptr FixtureReader::optional_object(const Object& object, const std::string& name,
                                           const std::string& field) const {
    if (!object.has(name)) {
        return nullptr;
    }
    if (!object.isObject(name)) {
        fail(field, "must be an object");
    }
    return object.getObject(name);
}

std::optional<bool> FixtureReader::optional_bool(const Object& object, const std::string& name,
                                                 const std::string& field) const {
    if (!object.has(name)) {
        return std::nullopt;
    }
    if (!object.get(name).isBoolean()) {
        fail(field, "must be true or false");
    }
    return object.getValue<bool>(name);
}

std::optional<int64_t> FixtureReader::optional_integer(const Object& object,
                                                       const std::string& name,
                                                       const std::string& field, int64_t min,
                                                       int64_t max) const {
    if (!object.has(name)) {
        return std::nullopt;
    }
    const Var value = object.get(name);
    const std::string range = "from " + std::to_string(min) + " to " + std::to_string(max);
    if (!value.isInteger() || value.isBoolean()) {
        fail(field, "must be an integer " + range);
    }
    const int64_t number = value.convert<Poco::Int64>();
    if (number < min || number > max) {
        fail(field, "must be an integer " + range + " (got " + std::to_string(number) + ")");
    }
    return number;
}

std::string FixtureReader::required_name(const Object& object, const std::string& name,
                                         const std::string& field) const {
    if (!object.has(name) || !object.get(name).isString()) {
        fail(field, "must be a domain name string such as \"example.com\"");
    }
    const std::string text = object.get(name).extract<std::string>();
    const bool plausible =
        !text.empty() && text.size() <= kMaxNameLength &&
        text.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789.-") == std::string::npos &&
        text.front() != '.' && text.back() != '.';
    if (!plausible) {
        fail(field, "must be a lower-case domain name such as \"example.com\" (at most " +
                        std::to_string(kMaxNameLength) + " characters)");
    }
    return text;
}

std::vector<std::string> FixtureReader::email_list(const Object& object, const std::string& name,
                                                   const std::string& field) const {
    std::vector<std::string> emails;
    if (!object.has(name)) {
        return emails;
    }
    if (!object.isArray(name)) {
        fail(field, "must be an array of email addresses");
    }
    const Array& list = *object.getArray(name);
    if (list.size() > kMaxEmailsPerList) {
        fail(field, "has " + std::to_string(list.size()) + " addresses; the limit is " +
                        std::to_string(kMaxEmailsPerList));
    }
    for (unsigned i = 0; i < list.size(); ++i) {
        const Var email = list.get(i);
        const std::string item = field + "[" + std::to_string(i) + "]";
        if (!email.isString()) {
            fail(item, "must be an email address string");
        }
        const std::string text = email.extract<std::string>();
        const size_t at = text.find('@');
        if (at == 0 || at == std::string::npos || at + 1 == text.size() || text.size() > 254) {
            fail(item, "must look like user@example.com");
        }
        emails.push_back(text);
    }
    return emails;
}

}  // namespace sandbox
