// TaskParams: key=value arguments typed by the task's params_schema.
#include <gtest/gtest.h>

#include <Poco/JSON/Array.h>

#include "plugins/plugin_description.h"
#include "tasks/task_params.h"
#include "util/bounded_json.h"

namespace taskhost {
namespace {

const char* kDescribe = R"({"abi_version": 1, "name": "p", "version": "1", "tasks": [{
  "name": "t", "summary": "s", "supports_dry_run": true, "sensitive_params": ["pin"],
  "params_schema": {"type": "object", "properties": {
    "domain_id": {"type": "integer"}, "ratio": {"type": "number"}, "force": {"type": "boolean"},
    "name_scope": {"type": "string"}, "email_array": {"type": "array", "items": {"type": "string"}},
    "ids": {"type": "array", "items": {"type": "integer"}}, "extra": {"type": "object"},
    "maybe": {"type": ["integer", "null"]}, "pin": {"type": "integer"}}}}]})";

class TaskParams : public ::testing::Test {
  protected:
    TaskParams() : description_(parse_plugin_description(kDescribe, 1, "test")) {}

    Poco::JSON::Object::Ptr typed(const std::vector<std::string>& args) {
        Result<Poco::JSON::Object::Ptr> params = type_params(args, description_.value().tasks[0]);
        EXPECT_TRUE(params.ok()) << params.error().text();
        return params.ok() ? params.value() : Poco::JSON::Object::Ptr(new Poco::JSON::Object);
    }
    HostError error_of(const std::vector<std::string>& args) {
        Result<Poco::JSON::Object::Ptr> params = type_params(args, description_.value().tasks[0]);
        EXPECT_FALSE(params.ok());
        return params.ok() ? HostError{} : params.error();
    }

    Result<PluginDescription> description_;
};

TEST_F(TaskParams, TypesEachValueByTheSchema) {
    const auto p =
        typed({"domain_id=1234567", "ratio=0.5", "force=true", "name_scope=sub.example.com",
               "email_array=admin@example.com, webmaster@example.com", "ids=1,2",
               "extra={\"a\": [1]}", "maybe=7"});
    EXPECT_EQ(
        to_json(p),
        R"({"domain_id":1234567,"email_array":["admin@example.com","webmaster@example.com"],)"
        R"("extra":{"a":[1]},"force":true,"ids":[1,2],"maybe":7,"name_scope":"sub.example.com","ratio":0.5})");
}

TEST_F(TaskParams, ArraysAlsoTakeJson) {
    EXPECT_EQ(to_json(typed({"email_array=[\"a@x.com\",\"b,c@x.com\"]"})),
              R"({"email_array":["a@x.com","b,c@x.com"]})");
    EXPECT_EQ(to_json(typed({"email_array="})), R"({"email_array":[]})");
}

TEST_F(TaskParams, NonIntegerIsAUsageErrorNamingTheParam) {
    const HostError e = error_of({"domain_id=12x"});
    EXPECT_EQ(e.where, "param domain_id");
    EXPECT_NE(e.problem.find("\"12x\" is not an integer"), std::string::npos) << e.text();
    EXPECT_EQ(error_of({"domain_id=1.0"}).where, "param domain_id");
    EXPECT_EQ(error_of({"domain_id=99999999999999999999"}).where, "param domain_id");
    EXPECT_EQ(error_of({"ids=1,x"}).where, "param ids");
}

TEST_F(TaskParams, SensitiveValuesAreNotEchoedInErrors) {
    const HostError e = error_of({"pin=s3cr3t-value"});
    EXPECT_EQ(e.where, "param pin");
    EXPECT_EQ(e.text().find("s3cr3t-value"), std::string::npos) << e.text();
}

TEST_F(TaskParams, BooleanMustBeTrueOrFalse) {
    EXPECT_NE(error_of({"force=yes"}).fix.find("force=true or force=false"), std::string::npos);
}

TEST_F(TaskParams, BadJsonAndEmptyListItemsAreRefused) {
    EXPECT_EQ(error_of({"email_array=[\"a\","}).where, "param email_array");
    EXPECT_EQ(error_of({"email_array=a,,b"}).where, "param email_array");
    EXPECT_EQ(error_of({"extra=plain"}).where, "param extra");
    EXPECT_EQ(error_of({"extra=[1]"}).where, "param extra");
}

TEST_F(TaskParams, UnknownParamsPassThroughAsStrings) {
    EXPECT_EQ(to_json(typed({"locale=en", "colour=[red]"})), R"({"colour":"[red]","locale":"en"})");
}

TEST_F(TaskParams, AParamGivenTwiceIsAnError) {
    const HostError e = error_of({"domain_id=1", "domain_id=2"});
    EXPECT_EQ(e.where, "param domain_id");
    EXPECT_NE(e.problem.find("twice"), std::string::npos);
}

TEST_F(TaskParams, ArgumentWithoutEqualsOrBadNameIsAnError) {
    EXPECT_NE(error_of({"=5"}).problem.find("not a key=value"), std::string::npos);
    EXPECT_NE(error_of({"bad name=5"}).problem.find("not a key=value"), std::string::npos);
}

}  // namespace
}  // namespace taskhost
