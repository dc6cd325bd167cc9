// The settings checker: what users wrote against the JSON Schema a plugin describes, each
// refusal naming the file, the JSON path and the fix.
#include <gtest/gtest.h>

#include "plugins/settings_schema.h"
#include "util/bounded_json.h"

namespace taskhost {
namespace {

Poco::JSON::Object::Ptr json(const std::string& text) {
    Result<Poco::JSON::Object::Ptr> parsed = parse_json_object(text, JsonLimits{}, "test");
    EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().text());
    return parsed.ok() ? parsed.value() : Poco::JSON::Object::Ptr(new Poco::JSON::Object);
}

const char* const kSchema = R"({"type": "object", "additionalProperties": false,
  "oneOf": [{"required": ["a"]}, {"required": ["b"]}],
  "properties": {
    "a": {"type": "string", "enum": ["x", "y", "z"]},
    "b": {"type": "string", "pattern": "^https://", "maxLength": 20},
    "n": {"type": "integer", "minimum": 1, "maximum": 9, "description": "how many"},
    "p": {"type": "string", "format": "path"},
    "list": {"type": "array", "maxItems": 2, "items": {"type": "integer"}},
    "inner": {"type": "object", "required": ["k"], "properties": {"k": {"type": "boolean"}}}}})";

SettingsSource source() {
    SettingsSource s;
    s.file = "/etc/c.json";
    s.json_path = "$.accounts.one";
    s.base_dir = "/etc";
    return s;
}

HostError error_of(const std::string& settings) {
    Result<Poco::JSON::Object::Ptr> checked =
        check_settings(json(settings), json(kSchema), source());
    EXPECT_FALSE(checked.ok()) << "accepted: " << settings;
    return checked.ok() ? HostError{} : checked.error();
}

TEST(SettingsSchema, AcceptsWhatTheSchemaAllowsAndMakesPathsAbsolute) {
    Result<Poco::JSON::Object::Ptr> checked = check_settings(
        json(R"({"a": "y", "n": 3, "p": "keys/ca.pem", "list": [1, 2], "inner": {"k": true}})"),
        json(kSchema), source());
    ASSERT_TRUE(checked.ok()) << checked.error().text();
    EXPECT_EQ(checked.value()->getValue<std::string>("p"), "/etc/keys/ca.pem");
    EXPECT_EQ(checked.value()->getValue<int>("n"), 3);
}

TEST(SettingsSchema, EachRuleRefusesNamingThePathAndTheFix) {
    HostError e = error_of(R"({"a": "w"})");
    EXPECT_EQ(e.where, "/etc/c.json: $.accounts.one.a");
    EXPECT_EQ(e.problem, "\"w\" is not one of \"x\", \"y\" and \"z\"");
    EXPECT_EQ(e.fix, "use \"x\", \"y\" or \"z\"");
    e = error_of(R"({"a": "x", "n": 10})");
    EXPECT_EQ(e.where, "/etc/c.json: $.accounts.one.n");
    EXPECT_EQ(e.fix, "write a whole number from 1 to 9 (how many)");
    e = error_of(R"({"a": "x", "n": "3"})");
    EXPECT_EQ(e.problem, "is a string, expected an integer");
    e = error_of(R"({"b": "http://plain"})");
    EXPECT_EQ(e.where, "/etc/c.json: $.accounts.one.b");
    EXPECT_NE(e.problem.find("does not have the expected form"), std::string::npos);
    e = error_of(R"({"b": "https://a-url-longer-than-twenty"})");
    EXPECT_NE(e.fix.find("at most 20 characters"), std::string::npos) << e.fix;
    e = error_of(R"({"a": "x", "list": [1, "2"]})");
    EXPECT_EQ(e.where, "/etc/c.json: $.accounts.one.list[1]");
    e = error_of(R"({"a": "x", "list": [1, 2, 3]})");
    EXPECT_EQ(e.where, "/etc/c.json: $.accounts.one.list");
    e = error_of(R"({"a": "x", "inner": {}})");
    EXPECT_EQ(e.where, "/etc/c.json: $.accounts.one.inner");
    EXPECT_EQ(e.problem, "needs \"k\"");
    e = error_of(R"({"a": "x", "p": ""})");
    EXPECT_EQ(e.problem, "is not a usable path");
}

TEST(SettingsSchema, ExactlyOneOfTheOneOfFields) {
    EXPECT_EQ(error_of(R"({"n": 1})").problem, "gives neither \"a\" nor \"b\"");
    const HostError both = error_of(R"({"a": "x", "b": "https://x"})");
    EXPECT_EQ(both.problem, "gives both \"a\" and \"b\"");
    EXPECT_EQ(both.fix, "give exactly one: \"a\" or \"b\"");
}

TEST(SettingsSchema, UnknownFieldsAreRefusedInTheCallersWords) {
    SettingsSource params = source();
    params.unknown_problem = "is not a param of task t.x";
    params.known_label = "params";
    Result<Poco::JSON::Object::Ptr> checked =
        check_settings(json(R"({"a": "x", "nn": 1})"), json(kSchema), params);
    ASSERT_FALSE(checked.ok());
    EXPECT_EQ(checked.error().where, "/etc/c.json: $.accounts.one.nn");
    EXPECT_EQ(checked.error().problem, "is not a param of task t.x");
    EXPECT_NE(checked.error().fix.find("(params: a, b, inner, list, n and p)"), std::string::npos)
        << checked.error().fix;
}

TEST(SettingsSchema, WithoutASchemaEverythingPassesThroughAsWritten) {
    Result<Poco::JSON::Object::Ptr> checked =
        check_settings(json(R"({"anything": [1, {"x": "y"}], "p": "rel"})"), nullptr, source());
    ASSERT_TRUE(checked.ok());
    EXPECT_EQ(to_json(checked.value()), R"({"anything":[1,{"x":"y"}],"p":"rel"})");
}

}  // namespace
}  // namespace taskhost
