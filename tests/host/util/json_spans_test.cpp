// JSON split without building it (issue 12: `apply --socket --json` passes the daemon's results
// on as they came): the check accepts what the JSON writer writes and refuses malformed text
// with the byte offset, nesting is bounded, and the spans of members and elements are exactly
// the text each part was written as. Random documents and their one-byte mutations are judged
// as Poco's parser judges them.
#include <gtest/gtest.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <random>
#include <string>

#include "random_json.h"
#include "util/json_spans.h"
#include "util/json_writer.h"

namespace taskhost {
namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Array;

std::string written(const Var& value) {
    std::string out;
    append_json(out, value);
    return out;
}

bool accepted(const std::string& text, size_t depth = 64) {
    return json_value_span(text, depth, "test").ok();
}

bool poco_accepts(const std::string& text) {
    try {
        Poco::JSON::Parser parser;
        parser.parse(text);
        return true;
    } catch (const Poco::Exception&) {
        return false;
    }
}

TEST(JsonSpans, MembersAndElementsAreTheTextEachWasWrittenAs) {
    const std::string text =
        " {\"summary\" : {\"a\": [1, 2]}, \"results\":[ {\"x\":\"a,]}\\\"\"} ,\n[ ] ,-1.5e+3, "
        "\"s\" ,true,null ], \"k\\\"ey\": false } ";
    const Result<std::string_view> whole = json_value_span(text, 64, "test");
    ASSERT_TRUE(whole.ok()) << whole.error().text();
    EXPECT_EQ(whole.value().front(), '{');
    EXPECT_EQ(whole.value().back(), '}');
    const std::vector<JsonMember> members = json_object_members(whole.value());
    ASSERT_EQ(members.size(), 3u);
    EXPECT_EQ(members[0].key, "summary");
    EXPECT_EQ(members[0].value, "{\"a\": [1, 2]}");
    EXPECT_EQ(members[1].key, "results");
    EXPECT_EQ(members[2].key, "k\\\"ey");
    EXPECT_EQ(members[2].value, "false");
    const std::vector<std::string_view> elements = json_array_elements(members[1].value);
    ASSERT_EQ(elements.size(), 6u);
    EXPECT_EQ(elements[0], "{\"x\":\"a,]}\\\"\"}");
    EXPECT_EQ(elements[1], "[ ]");
    EXPECT_EQ(elements[2], "-1.5e+3");
    EXPECT_EQ(elements[3], "\"s\"");
    EXPECT_EQ(elements[4], "true");
    EXPECT_EQ(elements[5], "null");
    EXPECT_TRUE(json_array_elements("[]").empty());
    EXPECT_TRUE(json_object_members("{ }").empty());
}

TEST(JsonSpans, MalformedTextIsRefusedWithWhereItGoesWrong) {
    for (const std::string bad : {"",
                                  " ",
                                  "{",
                                  "}",
                                  "[1,]",
                                  "[,1]",
                                  "{\"a\" 1}",
                                  "{\"a\":}",
                                  "{a:1}",
                                  "{\"a\":1,}",
                                  "\"open",
                                  "\"tab\there\"",
                                  "\"\\x\"",
                                  "\"\\u12g4\"",
                                  "\"\\u12\"",
                                  "01",
                                  "-",
                                  "1.",
                                  "1e",
                                  "1e+",
                                  ".5",
                                  "+1",
                                  "tru",
                                  "nul",
                                  "falsey",
                                  "[1] [2]",
                                  "{}}",
                                  "[1 2]",
                                  "\"a\"b",
                                  "[\"\\\"]",
                                  "{\"a\":1 \"b\":2}",
                                  "\"\xc3\"",
                                  "\"\xc3(\"",
                                  "\"\xc0\xaf\"",
                                  "\"\xed\xa0\x80\"",
                                  "\"\xf4\x90\x80\x80\"",
                                  "\"\xff\""}) {
        const Result<std::string_view> checked = json_value_span(bad, 64, "the answer");
        ASSERT_FALSE(checked.ok()) << bad;
        EXPECT_EQ(checked.error().where, "the answer") << bad;
        EXPECT_NE(checked.error().problem.find("at byte "), std::string::npos)
            << checked.error().problem;
        EXPECT_FALSE(poco_accepts(bad)) << "Poco takes what the check refuses: " << bad;
    }
    for (const std::string good : {"0", "-0.0e-0", "\"\\u00e9\\/\\b\\f\\n\\r\\t\"", "[[]]",
                                   "{\"\":{}}", " \t\r\n1 \n", "\"\xc3\xa9\""}) {
        EXPECT_TRUE(accepted(good)) << good;
        EXPECT_TRUE(poco_accepts("[" + good + "]")) << good;  // Poco's top level is a container
    }
}

TEST(JsonSpans, NestingIsBoundedWhileChecking) {
    const auto nested = [](size_t depth) {
        return std::string(depth, '[') + std::string(depth, ']');
    };
    EXPECT_TRUE(accepted(nested(64), 64));
    const Result<std::string_view> deep = json_value_span(nested(65), 64, "test");
    ASSERT_FALSE(deep.ok());
    EXPECT_NE(deep.error().problem.find("deeper than 64"), std::string::npos)
        << deep.error().problem;
    // A million brackets are refused at the 65th, without a deep recursion.
    EXPECT_FALSE(accepted(std::string(1000000, '['), 64));
    EXPECT_FALSE(accepted(std::string(1000000, '{'), 64));
}

// Well-formed UTF-8 in strings and keys, with the characters JSON escapes or splits on.
const taskhost_test::RandomJsonShape kPieces{[](std::mt19937& rng) {
    static const std::vector<std::string> pieces = {"a",
                                                    "b",
                                                    "\"",
                                                    "\\",
                                                    "/",
                                                    "{",
                                                    "}",
                                                    "[",
                                                    "]",
                                                    ",",
                                                    ":",
                                                    " ",
                                                    "\t",
                                                    "\n",
                                                    "\x01",
                                                    "\x1f",
                                                    "\xc3\xa9",
                                                    "\xe2\x82\xac",
                                                    "\xf0\x9f\x94\x91"};
    std::string out;
    for (int i = rng() % 9; i > 0; --i) {
        out += pieces[rng() % pieces.size()];
    }
    return out;
}};

TEST(JsonSpans, RandomDocumentsSplitIntoTheirPartsAndMutationsAreJudgedAsPocoJudgesThem) {
    std::mt19937 rng(7);
    size_t refused = 0;
    for (int i = 0; i < 2000; ++i) {
        Array::Ptr list = new Array;
        for (int k = rng() % 5; k > 0; --k) {
            list->add(taskhost_test::random_json(rng, kPieces));
        }
        const std::string text = written(list);
        const Result<std::string_view> whole = json_value_span(text, 64, "test");
        ASSERT_TRUE(whole.ok()) << text << ": " << whole.error().text();
        const std::vector<std::string_view> elements = json_array_elements(whole.value());
        ASSERT_EQ(elements.size(), list->size()) << text;
        for (size_t k = 0; k < elements.size(); ++k) {
            EXPECT_EQ(elements[k], written(list->get(k))) << text;
        }
        std::string mutated = text;
        // Not digits or 'e': a grammatical number out of a double's range Poco refuses, and
        // the check leaves magnitudes to whoever reads the value.
        mutated[rng() % mutated.size()] = "{}[],:\"\\ a-."[rng() % 13];
        const bool ours = accepted(mutated);
        refused += ours ? 0 : 1;
        EXPECT_EQ(ours, poco_accepts(mutated)) << mutated;
    }
    EXPECT_GT(refused, 500u);  // the mutations did reach the refusals
}

}  // namespace
}  // namespace taskhost
