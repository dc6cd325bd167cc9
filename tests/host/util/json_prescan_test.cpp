// The pre-scan every document a user or a plugin writes goes through before Poco parses it
// (issue 9): keys compared decoded, integers that Poco would wrap, objects with too many keys.
#include <gtest/gtest.h>

#include <string>

#include "util/bounded_json.h"
#include "util/json_prescan.h"

namespace taskhost {
namespace {

const JsonLimits kLimits{};

TEST(JsonPrescan, ADuplicateKeyWrittenWithAnEscapeIsStillADuplicate) {
    const Result<Poco::JSON::Object::Ptr> parsed = parse_json_object(
        R"({"params": {"domain_id": 1, "domain\u005fid": 2}})", kLimits, "task body");
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.error().where, "task body: $.params.domain_id") << parsed.error().text();
    EXPECT_EQ(parsed.error().problem, "is given twice");
}

TEST(JsonPrescan, DecodesEscapesAndSurrogatePairs) {
    EXPECT_EQ(decode_json_string(R"(a\u005fb\n\"\\\/)"), "a_b\n\"\\/");
    EXPECT_EQ(decode_json_string(R"(\u00e9)"), "\xc3\xa9");
    EXPECT_EQ(decode_json_string(R"(\ud83d\ude00)"), "\xf0\x9f\x98\x80");
    EXPECT_EQ(decode_json_string(R"(\ud83d)"), R"(\ud83d)");  // lone: kept as written
}

TEST(JsonPrescan, IntegersPocoWouldWrapAreRefusedNamingThePath) {
    for (const std::string literal : {"18446744073709551617", "18446744073709551616",
                                      "-9223372036854775809", "99999999999999999999999"}) {
        const Result<Poco::JSON::Object::Ptr> parsed =
            parse_json_object(R"({"params": {"domain_id": )" + literal + "}}", kLimits, "body");
        ASSERT_FALSE(parsed.ok()) << literal;
        EXPECT_EQ(parsed.error().where, "body: $.params.domain_id") << parsed.error().text();
        EXPECT_NE(parsed.error().problem.find("does not fit in a 64-bit integer"),
                  std::string::npos);
    }
}

TEST(JsonPrescan, IntegersThatFitAndNonIntegersPass) {
    for (const std::string literal :
         {"18446744073709551615", "-9223372036854775808", "0", "1e30", "1234567.0", "-0"}) {
        EXPECT_TRUE(parse_json_object(R"({"n": [1, )" + literal + "]}", kLimits, "body").ok())
            << literal;
    }
    // Digits inside a string are not a number.
    EXPECT_TRUE(parse_json_object(R"({"n": "18446744073709551617"})", kLimits, "body").ok());
}

TEST(JsonPrescan, AnObjectWithMoreKeysThanTheLimitIsRefusedBeforePocoParsesIt) {
    std::string text = "{\"o\": {";
    for (size_t i = 0; i < kLimits.max_keys + 1; ++i) {
        text += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":1";
    }
    text += "}}";
    const Result<Poco::JSON::Object::Ptr> parsed = parse_json_object(text, kLimits, "body");
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.error().where, "body: $.o");
    EXPECT_EQ(parsed.error().problem,
              "has more than " + std::to_string(kLimits.max_keys) + " keys");
    JsonLimits more = kLimits;
    more.max_keys = kLimits.max_keys + 1;
    EXPECT_TRUE(parse_json_object(text, more, "body").ok());
}

}  // namespace
}  // namespace taskhost
