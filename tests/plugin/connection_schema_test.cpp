// describe's connection_schema, which the host validates accounts against knowing nothing of
// DigiCert: its shape, and that every range and choice in it is the one the spec parser
// enforces (the schema's maximum passes the parser, one more is refused naming the field).
#include <gtest/gtest.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <set>
#include <string>
#include <vector>

#include "dcv_resend_spec.h"
#include "describe.h"
#include "spec_test_support.h"

namespace {

using namespace digicert_dcv;
using namespace dcv_test;
using Poco::JSON::Array;
using Poco::JSON::Object;

Object::Ptr describe_root() {
    Poco::JSON::Parser parser;
    return parser.parse(describe_json()).extract<Object::Ptr>();
}

Object::Ptr connection_schema() {
    return describe_root()->getObject("connection_schema");
}

std::set<std::string> keys_of(const Object::Ptr& object) {
    std::set<std::string> out;
    for (const auto& entry : *object) {
        out.insert(entry.first);
    }
    return out;
}

// The valid spec with its connection's `field` (a name, or "retry.<name>") set to `value`.
// The retry delays are set wide (initial 0, max 300000) so that only `field` is judged.
std::string spec_with_connection(const std::string& field, int64_t value) {
    Object::Ptr root = valid_spec_object();
    Object::Ptr retry = object_at(root, "connection.retry");
    retry->set("initial_delay_ms", 0);
    retry->set("max_delay_ms", 300000);
    const std::string prefix = "retry.";
    if (field.rfind(prefix, 0) == 0) {
        retry->set(field.substr(prefix.size()), value);
    } else {
        object_at(root, "connection")->set(field, value);
    }
    return to_text(root);
}

std::string error_field(const std::string& spec) {
    const auto parsed = parse_dcv_resend_spec(spec);
    if (const auto* error = std::get_if<SpecError>(&parsed)) {
        return error->field;
    }
    return "";
}

TEST(ConnectionSchema, DescribesTheAccountsSettingsAsJsonSchema) {
    const Object::Ptr schema = connection_schema();
    ASSERT_FALSE(schema.isNull()) << describe_json();
    EXPECT_EQ(schema->getValue<std::string>("$schema"),
              "https://json-schema.org/draft/2020-12/schema");
    EXPECT_EQ(schema->getValue<std::string>("type"), "object");
    EXPECT_FALSE(schema->getValue<bool>("additionalProperties"));
    const Object::Ptr properties = schema->getObject("properties");
    EXPECT_EQ(keys_of(properties), (std::set<std::string>{"region", "base_url", "ca_file",
                                                          "timeout_ms", "proxy", "retry"}));
    for (const auto& [name, property] : *properties) {
        EXPECT_FALSE(
            property.extract<Object::Ptr>()->optValue<std::string>("description", "").empty())
            << name << " has no description";
    }
    const Array::Ptr one_of = schema->getArray("oneOf");
    ASSERT_EQ(one_of->size(), 2u);
    EXPECT_EQ(one_of->getObject(0)->getArray("required")->getElement<std::string>(0), "region");
    EXPECT_EQ(one_of->getObject(1)->getArray("required")->getElement<std::string>(0), "base_url");

    EXPECT_EQ(properties->getObject("ca_file")->getValue<std::string>("format"), "path");
    const Object::Ptr base_url = properties->getObject("base_url");
    EXPECT_EQ(base_url->getValue<int>("minLength"), 9);
    EXPECT_EQ(base_url->getValue<int>("maxLength"), 2048);
    const Object::Ptr retry = properties->getObject("retry");
    EXPECT_EQ(retry->getValue<std::string>("type"), "object");
    EXPECT_FALSE(retry->getValue<bool>("additionalProperties"));
    EXPECT_EQ(keys_of(retry->getObject("properties")),
              (std::set<std::string>{"max_attempts", "initial_delay_ms", "max_delay_ms",
                                     "deadline_ms", "in_doubt_retries"}));
}

TEST(ConnectionSchema, TasksNoLongerListConnectionFields) {
    const Object::Ptr task = describe_root()->getArray("tasks")->getObject(0);
    EXPECT_FALSE(task->has("connection_fields"));
    EXPECT_FALSE(task->has("sensitive_connection_fields"));
}

TEST(ConnectionSchema, IntegerRangesAreTheParsersRanges) {
    const Object::Ptr properties = connection_schema()->getObject("properties");
    const Object::Ptr retry = properties->getObject("retry")->getObject("properties");
    const std::vector<std::pair<std::string, Object::Ptr>> settings = {
        {"timeout_ms", properties->getObject("timeout_ms")},
        {"retry.max_attempts", retry->getObject("max_attempts")},
        {"retry.initial_delay_ms", retry->getObject("initial_delay_ms")},
        {"retry.max_delay_ms", retry->getObject("max_delay_ms")},
        {"retry.deadline_ms", retry->getObject("deadline_ms")},
        {"retry.in_doubt_retries", retry->getObject("in_doubt_retries")},
    };
    for (const auto& [field, schema] : settings) {
        ASSERT_EQ(schema->getValue<std::string>("type"), "integer") << field;
        const int64_t min = schema->getValue<int64_t>("minimum");
        const int64_t max = schema->getValue<int64_t>("maximum");
        const std::string path = "connection." + field;
        EXPECT_EQ(error_field(spec_with_connection(field, min)), "") << path << "=" << min;
        EXPECT_EQ(error_field(spec_with_connection(field, max)), "") << path << "=" << max;
        EXPECT_EQ(error_field(spec_with_connection(field, min - 1)), path) << min - 1;
        EXPECT_EQ(error_field(spec_with_connection(field, max + 1)), path) << max + 1;
    }
    // Pinned, so that changing a range is a deliberate act.
    EXPECT_EQ(properties->getObject("timeout_ms")->getValue<int>("maximum"), 300000);
    EXPECT_EQ(retry->getObject("deadline_ms")->getValue<int>("maximum"), 3600000);
    EXPECT_EQ(retry->getObject("in_doubt_retries")->getValue<int>("minimum"), 0);
    EXPECT_EQ(retry->getObject("in_doubt_retries")->getValue<int>("maximum"), 9);
}

TEST(ConnectionSchema, RegionsAreTheParsersRegions) {
    const Object::Ptr region = connection_schema()->getObject("properties")->getObject("region");
    EXPECT_EQ(region->getValue<std::string>("type"), "string");
    const Array::Ptr names = region->getArray("enum");
    ASSERT_EQ(names->size(), 2u);
    const std::string description = region->getValue<std::string>("description");
    for (std::size_t i = 0; i < names->size(); ++i) {
        const std::string name = names->getElement<std::string>(static_cast<unsigned>(i));
        Object::Ptr root = valid_spec_object();
        object_at(root, "connection")->remove("base_url");
        object_at(root, "connection")->set("region", name);
        const auto parsed = parse_dcv_resend_spec(to_text(root));
        ASSERT_TRUE(std::holds_alternative<DcvResendSpec>(parsed)) << name;
        const std::string url = std::get<DcvResendSpec>(parsed).connection.base_url.normalised();
        EXPECT_NE(description.find(url), std::string::npos)
            << "the description of region does not name " << url;
    }
    EXPECT_EQ(names->getElement<std::string>(0), "us");
    EXPECT_EQ(names->getElement<std::string>(1), "eu");
}

TEST(ConnectionSchema, StringLimitsAreTheParsersLimits) {
    const Object::Ptr base_url =
        connection_schema()->getObject("properties")->getObject("base_url");
    const auto max = static_cast<std::size_t>(base_url->getValue<int>("maxLength"));
    const std::string prefix = "https://www.digicert.com/";
    EXPECT_EQ(error_field(spec_with("connection", "base_url",
                                    "\"" + prefix + std::string(max - prefix.size(), 'a') + "\"")),
              "");
    EXPECT_EQ(
        error_field(spec_with("connection", "base_url",
                              "\"" + prefix + std::string(max + 1 - prefix.size(), 'a') + "\"")),
        "connection.base_url");
    const auto min = static_cast<std::size_t>(base_url->getValue<int>("minLength"));
    EXPECT_EQ(error_field(spec_with("connection", "base_url", R"("https://x")")), "");
    EXPECT_EQ(std::string("https://x").size(), min);
    EXPECT_EQ(error_field(spec_with("connection", "base_url", R"("https://")")),
              "connection.base_url");
    // additionalProperties false: the parser refuses what the schema does not list.
    EXPECT_EQ(error_field(spec_with("connection", "insecure", "true")), "connection.insecure");
}

}  // namespace
