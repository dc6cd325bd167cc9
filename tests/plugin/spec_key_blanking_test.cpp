// The API key taken out of the spec's text before Poco's parser reads it: where the scan finds
// it, where it gives up (and the parse falls back to the text as it is, with the scrub), and
// that the parsed spec holds the real key either way.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "blanking_property.h"
#include "dcv_resend_spec.h"
#include "spec_key_blanking.h"
#include "spec_test_support.h"

namespace {

using namespace digicert_dcv;
using namespace dcv_test;

constexpr int kDepth = static_cast<int>(kMaxSpecDepth);

// The spec as the host writes it: compact, the key appended last inside "connection".
std::string host_spec(const std::string& key_json = "\"CANARY-KEY-7f3a9c\"") {
    return R"({"task":"digicert.dcv.resend","id":"run-42","dry_run":false,)"
           R"("params":{"domain_id":1234567,"name_scope":"example.com",)"
           R"("email_array":["admin@example.com"]},)"
           R"("connection":{"base_url":"https:\/\/localhost:8443\/services\/v2",)"
           R"("timeout_ms":5000,"api_key":)" +
           key_json + "}}";
}

std::string text_of(const SecretString& secret) {
    return std::string(secret.view());
}

TEST(SpecKeyBlanking, TheHostsSpecHasItsKeyReplacedAndNothingElse) {
    const std::string spec = host_spec();
    const std::optional<BlankedSpec> blanked = blank_api_key(spec, kDepth);
    ASSERT_TRUE(blanked.has_value());
    EXPECT_EQ(blanked->keys, 1u);
    EXPECT_EQ(text_of(blanked->api_key), kCanaryKey);
    std::string expected = spec;
    const size_t at = spec.rfind(kCanaryKey);
    expected.replace(at, std::string(kCanaryKey).size(),
                     std::string(std::string(kCanaryKey).size(), 'x'));
    EXPECT_EQ(text_of(blanked->text), expected);
}

TEST(SpecKeyBlanking, ASpecWithoutAKeyIsCopiedAsItIs) {
    const std::string spec = R"({"task":"t","dry_run":true,"connection":{"region":"us"}})";
    const std::optional<BlankedSpec> blanked = blank_api_key(spec, kDepth);
    ASSERT_TRUE(blanked.has_value());
    EXPECT_EQ(blanked->keys, 0u);
    EXPECT_EQ(text_of(blanked->text), spec);
    EXPECT_TRUE(blanked->api_key.empty());
}

TEST(SpecKeyBlanking, GivesUpWhereItCannotBeSureWhatTheParserReadsAsTheKey) {
    const char* const cases[] = {
        // the key written with escapes: its bytes are not the key's
        R"({"connection":{"api_key":"CANARY\u002dKEY"}})",
        // a member name with escapes might spell connection or api_key
        R"({"conn\u0065ction":{"api_key":"CANARY-KEY"}})",
        R"({"connection":{"api\u005fkey":"CANARY-KEY"}})",
        // repeated: which one the parsed object keeps is the parser's business
        R"({"connection":{"api_key":"CANARY-A","api_key":"CANARY-B"}})",
        R"({"connection":{"api_key":"CANARY-A"},"connection":{"api_key":"CANARY-B"}})",
        // not JSON, or deeper than the parser goes
        R"({"connection":{"api_key":"CANARY-KEY"})",
        R"({"connection":{"api_key":"CANARY-KEY"}} trailing)",
        R"({"connection":{"api_key":"CANARY
KEY"}})",
        R"([[[[[[[[[[[[[[[[[[["deep"]]]]]]]]]]]]]]]]]]])",
        "",
    };
    for (const char* spec : cases) {
        EXPECT_FALSE(blank_api_key(spec, kDepth).has_value()) << spec;
    }
}

TEST(SpecKeyBlanking, OnlyTheTopLevelConnectionsKeyCounts) {
    const std::string spec =
        R"({"params":{"connection":{"api_key":"inner"}},"x":[{"api_key":"listed"}],)"
        R"("connection":{"retry":{"api_key":"deeper"},"api_key":"the-key"}})";
    const std::optional<BlankedSpec> blanked = blank_api_key(spec, kDepth);
    ASSERT_TRUE(blanked.has_value());
    EXPECT_EQ(blanked->keys, 1u);
    EXPECT_EQ(text_of(blanked->api_key), "the-key");
    const std::string text = text_of(blanked->text);
    for (const char* kept : {"inner", "listed", "deeper"}) {
        EXPECT_NE(text.find(kept), std::string::npos) << kept;
    }
    EXPECT_EQ(text.find("the-key"), std::string::npos);
}

// Random changes of the host's spec: the blanked text is the input with at most one run of bytes
// turned to 'x' (blanking_property.h), and the key is bytes of the input.
TEST(SpecKeyBlanking, WhateverTheInputTheTextChangesOnlyWhereTheKeyWas) {
    std::mt19937 random(20261201);
    const std::string alphabet = "{}[]:,\" \\xu0a9-connectionapi_key";
    for (int round = 0; round < 20000; ++round) {
        std::string input = host_spec();
        const int edits = static_cast<int>(random() % 4);
        for (int e = 0; e < edits && !input.empty(); ++e) {
            input[random() % input.size()] = alphabet[random() % alphabet.size()];
        }
        const std::optional<BlankedSpec> blanked = blank_api_key(input, kDepth);
        if (!blanked) {
            continue;
        }
        ASSERT_TRUE(blanked_only_the_key(input, *blanked)) << input;
        if (blanked->keys == 1) {
            ASSERT_NE(input.find(text_of(blanked->api_key)), std::string::npos) << input;
        }
    }
}

TEST(SpecKeyBlanking, TheParsedSpecHoldsTheRealKeyAndSaysWhetherTheParserReadIt) {
    bool key_reached_parser = true;
    auto parsed = parse_task_spec(host_spec(), key_reached_parser);
    ASSERT_TRUE(std::holds_alternative<DcvResendSpec>(parsed));
    EXPECT_EQ(std::get<DcvResendSpec>(parsed).connection.api_key, kCanaryKey);
    EXPECT_FALSE(key_reached_parser);

    // Escaped: the parser reads it (and the caller scrubs), with the same result.
    parsed = parse_task_spec(host_spec(R"("CANARY\u002dKEY-7f3a9c")"), key_reached_parser);
    ASSERT_TRUE(std::holds_alternative<DcvResendSpec>(parsed));
    EXPECT_EQ(std::get<DcvResendSpec>(parsed).connection.api_key, kCanaryKey);
    EXPECT_TRUE(key_reached_parser);

    // A key the parsed settings refuse is refused by the same field and message, unquoted.
    parsed = parse_task_spec(host_spec(R"("CANARY KEY")"), key_reached_parser);
    ASSERT_TRUE(std::holds_alternative<SpecError>(parsed));
    EXPECT_EQ(std::get<SpecError>(parsed).field, "connection.api_key");
    EXPECT_EQ(std::get<SpecError>(parsed).msg.find("CANARY"), std::string::npos);
    EXPECT_FALSE(key_reached_parser);
    parsed = parse_task_spec(host_spec(R"("")"), key_reached_parser);
    ASSERT_TRUE(std::holds_alternative<SpecError>(parsed));
    EXPECT_EQ(std::get<SpecError>(parsed).field, "connection.api_key");
}

}  // namespace
