// The plugin's JSON writer: commas and nesting placed by the writer, every string escaped so that
// a JSON parser reads back the very bytes given, numbers of every width.
#include <gtest/gtest.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cstdint>
#include <limits>
#include <random>

#include "json_writer.h"
#include "outcome_writer.h"

namespace {

using namespace digicert_dcv;
using Poco::JSON::Object;

std::string read_back_string(const std::string& text) {
    std::string json;
    append_json_string(json, text);
    Poco::JSON::Parser parser;
    return parser.parse("[" + json + "]")
        .extract<Poco::JSON::Array::Ptr>()
        ->getElement<std::string>(0);
}

TEST(JsonWriter, PlacesCommasBetweenMembersAndElementsAtEveryDepth) {
    JsonWriter out;
    out.begin_object();
    out.key("a").number(1);
    out.key("b").begin_array().string("x").null().boolean(false).begin_object().end_object();
    out.end_array();
    out.key("c").begin_object().key("d").begin_array().end_array().key("e").raw("{\"f\":2}");
    out.end_object();
    out.key("g").boolean(true);
    out.end_object();
    EXPECT_EQ(out.take(), R"({"a":1,"b":["x",null,false,{}],"c":{"d":[],"e":{"f":2}},"g":true})");
}

TEST(JsonWriter, EscapesQuotesBackslashesAndEveryControlByte) {
    std::string json;
    append_json_string(json, std::string("q\"b\\n\nr\rt\t\x01\x1f/\x7f\0", 15));
    EXPECT_EQ(json, "\"q\\\"b\\\\n\\nr\\rt\\t\\u0001\\u001f/\x7f\\u0000\"");
}

TEST(JsonWriter, AParserReadsBackEveryAsciiAndUtf8StringAsGiven) {
    std::string every_byte;
    for (int c = 1; c < 0x80; ++c) {
        every_byte.push_back(static_cast<char>(c));
    }
    EXPECT_EQ(read_back_string(every_byte), every_byte);
    EXPECT_EQ(read_back_string(""), "");
    const std::string utf8 = "d\xc3\xa9j\xc3\xa0 \xe2\x82\xac \xf0\x9f\x94\x91";
    EXPECT_EQ(read_back_string(utf8), utf8);
    std::mt19937 random(12);
    for (int round = 0; round < 500; ++round) {
        std::string text(random() % 40, ' ');
        for (char& c : text) {
            c = static_cast<char>(1 + random() % 0x7f);
        }
        ASSERT_EQ(read_back_string(text), text) << "round " << round;
    }
}

TEST(JsonWriter, WritesNumbersOfEveryWidthInFull) {
    JsonWriter out;
    out.begin_array();
    out.number(std::numeric_limits<int64_t>::min()).number(std::numeric_limits<int64_t>::max());
    out.number(std::numeric_limits<std::size_t>::max()).number(-7).number(0);
    out.number_or_null(std::optional<int>()).number_or_null(std::optional<int>(204));
    out.boolean_or_null(std::nullopt).boolean_or_null(true);
    out.end_array();
    EXPECT_EQ(out.take(),
              "[-9223372036854775808,9223372036854775807,18446744073709551615,-7,0,null,204,null,"
              "true]");
}

TEST(JsonWriter, AListedDomainKeepsOneMemberPerValidationTypeWithItsLastVerdict) {
    DcvOutcome outcome;
    outcome.task = "digicert.domain.list";
    outcome.status = OutcomeStatus::kSucceeded;
    DomainListing listing;
    ListedItem item;
    item.domain.id = 7;
    item.domain.name = "a.example";
    item.key = "a.example";
    ValidationVerdict first;
    first.type = "ov";
    first.status = "pending";
    ValidationVerdict second;
    second.type = "ev";
    second.status = "active";
    ValidationVerdict last;
    last.type = "ov";
    last.status = "active";
    item.verdict.types = {first, second, last};
    listing.items.push_back(item);
    outcome.listing = listing;
    const std::string json = write_outcome(outcome, "CANARY-KEY-writer");
    EXPECT_NE(json.find(R"("validations":{"ov":{"status":"active","valid_until":null,"due":false},)"
                        R"("ev":{"status":"active")"),
              std::string::npos)
        << json;
    Poco::JSON::Parser parser;
    const Object::Ptr parsed = parser.parse(json).extract<Object::Ptr>();
    EXPECT_EQ(parsed->getArray("items")->getObject(0)->getObject("validations")->size(), 2u);
}

}  // namespace
