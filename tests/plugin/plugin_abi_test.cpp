// The C ABI contract of the built plugin: describe, exactly one emit per execute whatever the
// input, the return code, and a host of another ABI major.
#include <gtest/gtest.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <cstring>

#include "plugin_test_support.h"

namespace {

using namespace dcv_plugin_test;
using Poco::JSON::Object;

Object::Ptr parse_object(const std::string& json) {
    Poco::JSON::Parser parser;
    return parser.parse(json).extract<Object::Ptr>();
}

TEST(PluginAbi, DescribeDeclaresTheTaskSchemaAndRateLimits) {
    const char* text = LoadedPlugin::instance().describe();
    ASSERT_NE(text, nullptr);
    EXPECT_EQ(text, LoadedPlugin::instance().describe()) << "static, built once";
    const Object::Ptr root = parse_object(text);
    EXPECT_EQ(root->getValue<int>("abi_version"), 1);
    EXPECT_EQ(root->getValue<std::string>("name"), "digicert_dcv");
    EXPECT_EQ(root->getValue<std::string>("version"), "0.1.0");
    ASSERT_EQ(root->getArray("tasks")->size(), 2u);
    const Object::Ptr task = root->getArray("tasks")->getObject(0);
    EXPECT_FALSE(task->has("read_only")) << "the resend changes something";
    EXPECT_EQ(task->getValue<std::string>("name"), "digicert.dcv.resend");
    EXPECT_TRUE(task->getValue<bool>("supports_dry_run"));
    EXPECT_EQ(task->getArray("sensitive_params")->size(), 0u);
    const Object::Ptr schema = task->getObject("params_schema");
    EXPECT_EQ(schema->getValue<std::string>("$schema"),
              "https://json-schema.org/draft/2020-12/schema");
    EXPECT_FALSE(schema->getValue<bool>("additionalProperties"));
    // Exactly one of domain_id and domain.
    const auto one_of = schema->getArray("oneOf");
    ASSERT_EQ(one_of->size(), 2u);
    EXPECT_EQ(one_of->getObject(0)->getArray("required")->getElement<std::string>(0), "domain_id");
    EXPECT_EQ(one_of->getObject(1)->getArray("required")->getElement<std::string>(0), "domain");
    const Object::Ptr properties = schema->getObject("properties");
    EXPECT_EQ(properties->getObject("domain_id")->getValue<int>("minimum"), 1);
    EXPECT_EQ(properties->getObject("domain")->getValue<std::string>("type"), "string");
    EXPECT_EQ(properties->getObject("email_array")->getValue<int>("maxItems"), 100);
    EXPECT_TRUE(properties->getObject("email_array")->getValue<bool>("uniqueItems"));
    for (const char* name : {"skip_if_validated", "check_recipients", "strict_recipients"}) {
        EXPECT_EQ(properties->getObject(name)->getValue<std::string>("type"), "boolean") << name;
    }
    EXPECT_FALSE(properties->getObject("skip_if_validated")->getValue<bool>("default"));
    EXPECT_FALSE(properties->getObject("strict_recipients")->getValue<bool>("default"));
    for (const auto& [name, property] : *properties) {
        const Object::Ptr param = property.extract<Object::Ptr>();
        EXPECT_FALSE(param->optValue<std::string>("description", "").empty())
            << name << " has no description";
    }
    const auto limits = task->getArray("rate_limits");
    ASSERT_EQ(limits->size(), 2u);
    EXPECT_EQ(limits->getObject(0)->getValue<int>("requests"), 100);
    EXPECT_EQ(limits->getObject(0)->getValue<int>("per_seconds"), 5);
    EXPECT_EQ(limits->getObject(1)->getValue<int>("requests"), 1000);
    EXPECT_EQ(limits->getObject(1)->getValue<int>("per_seconds"), 180);
    EXPECT_EQ(limits->getObject(1)->getValue<std::string>("scope"), "api_key");
}

TEST(PluginAbi, DescribeDeclaresTheReadOnlyDomainList) {
    const Object::Ptr root = parse_object(LoadedPlugin::instance().describe());
    const Object::Ptr task = root->getArray("tasks")->getObject(1);
    EXPECT_EQ(task->getValue<std::string>("name"), "digicert.domain.list");
    EXPECT_TRUE(task->getValue<bool>("read_only"));
    const Object::Ptr schema = task->getObject("params_schema");
    EXPECT_FALSE(schema->getValue<bool>("additionalProperties"));
    EXPECT_FALSE(schema->has("oneOf")) << "every filter is optional";
    const Object::Ptr properties = schema->getObject("properties");
    for (const char* name : {"name", "search", "active", "pending", "expiring_within", "due_within",
                             "validation_type", "page_size", "max_items"}) {
        ASSERT_TRUE(properties->has(name)) << name;
        EXPECT_FALSE(properties->getObject(name)->getValue<std::string>("description").empty());
    }
    EXPECT_EQ(properties->getObject("pending")->getValue<std::string>("type"), "boolean");
    const auto columns = task->getArray("item_columns");
    ASSERT_GE(columns->size(), 3u);
    EXPECT_EQ(columns->getObject(1)->getValue<std::string>("key"), "name");
    EXPECT_EQ(task->getArray("rate_limits")->size(), 2u) << "paced like any request";
}

TEST(PluginAbi, EmitsExactlyOnceForANullSpec) {
    RecordingHost host;
    const int rc = LoadedPlugin::instance().execute(nullptr, host.abi());
    EXPECT_NE(rc, 0);
    ASSERT_EQ(host.emits().size(), 1u);
    const Object::Ptr outcome = parse_object(host.emits()[0]);
    EXPECT_EQ(outcome->getObject("error")->getValue<std::string>("kind"), "invalid_input");
    EXPECT_TRUE(outcome->getValue<bool>("failed"));
}

TEST(PluginAbi, EmitsExactlyOnceForGarbage) {
    const std::string deep = std::string(5000, '[') + std::string(5000, ']');
    const std::string huge(200 * 1024, 'x');
    const char* inputs[] = {"",
                            "   ",
                            "not json",
                            "{",
                            "[]",
                            "42",
                            "null",
                            "{\"task\":\"\xff\"}",
                            deep.c_str(),
                            huge.c_str(),
                            "{\"task\":\"digicert.dcv.resend\"}"};
    for (const char* input : inputs) {
        RecordingHost host;
        const int rc = LoadedPlugin::instance().execute(input, host.abi());
        EXPECT_NE(rc, 0);
        ASSERT_EQ(host.emits().size(), 1u) << std::string(input).substr(0, 40);
        const Object::Ptr outcome = parse_object(host.emits()[0]);
        EXPECT_EQ(outcome->getObject("error")->getValue<std::string>("kind"), "invalid_input");
        EXPECT_EQ(outcome->getValue<std::string>("status"), "failed");
    }
}

TEST(PluginAbi, RefusesAHostOfAnotherAbiMajorWithOneEmit) {
    RecordingHost recording;
    taskhost_host other = *recording.abi();
    other.abi_version = 2;
    const int rc = LoadedPlugin::instance().execute("{}", &other);
    EXPECT_NE(rc, 0);
    ASSERT_EQ(recording.emits().size(), 1u);
    const Object::Ptr outcome = parse_object(recording.emits()[0]);
    EXPECT_EQ(outcome->getObject("error")->getValue<std::string>("kind"), "plugin");
    const std::string msg = outcome->getValue<std::string>("msg");
    EXPECT_NE(msg.find("ABI 2"), std::string::npos) << msg;
    EXPECT_NE(msg.find("ABI 1"), std::string::npos) << msg;
}

TEST(PluginAbi, ANullHostIsRefusedWithoutCrashing) {
    EXPECT_NE(LoadedPlugin::instance().execute("{}", nullptr), 0);
}

}  // namespace
