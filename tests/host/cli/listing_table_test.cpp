// CliListingTable: how `taskhost run` shows a listing outcome to a person (cli/listing_table.h):
// columns as described or from the first item, widths that fit, cells made safe for a terminal,
// the summary and the msg after the table, and JSON whenever a table is not asked for or there
// are no items.
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>

#include "cli/listing_table.h"

namespace taskhost {
namespace {

using Poco::JSON::Object;

Object::Ptr parse(const std::string& json) {
    Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
    return parser.parse(json).extract<Object::Ptr>();
}

const std::string kListing = R"({"status": "succeeded", "failed": false, "msg": "listed 3 domains",
  "items": [
    {"key": "example.com", "name": "example.com", "id": 12, "validations": {"ov": {"status": "ok"}},
     "params": {"domain_id": 12}},
    {"key": "shop.example.com", "name": "shop.example.com", "id": 1234567,
     "validations": {"ov": {"status": "pending"}}, "params": {"domain_id": 1234567}},
    {"key": "x.org", "name": "x.org", "id": 7, "params": {"domain_id": 7}}],
  "summary": {"total": 3, "due_within": "30d", "complete": false}})";

TEST(CliListingTable, DescribedColumnsFollowDottedKeysAndFitTheWidestCell) {
    const std::vector<ItemColumn> columns = {
        {"DOMAIN", "name"}, {"ID", "id"}, {"OV", "validations.ov.status"}};
    EXPECT_EQ(listing_table(parse(kListing), columns),
              "DOMAIN            ID       OV\n"
              "example.com       12       ok\n"
              "shop.example.com  1234567  pending\n"
              "x.org             7        -\n"
              "\n"
              "total: 3\n"
              "due_within: 30d\n"
              "complete: false\n"
              "listed 3 domains");
}

TEST(CliListingTable, WithoutColumnsEveryScalarOfTheFirstItemButParamsShows) {
    EXPECT_EQ(listing_table(parse(R"({"msg": "m", "items": [
                  {"key": "a", "n": 1.5, "on": true, "gone": null, "obj": {"x": 1},
                   "params": {"p": 1}},
                  {"key": "bb", "n": -2, "on": false, "params": {}}]})"),
                            {}),
              "KEY  N    ON     GONE\n"
              "a    1.5  true   -\n"
              "bb   -2   false  -\n"
              "\n"
              "m");
}

TEST(CliListingTable, CellsAreMadeSafeForATerminalAndCutWithAnEllipsis) {
    EXPECT_EQ(cell_text(Poco::Dynamic::Var(std::string("a\x1b[31mred\tx\ny"))), "a?[31mred x y");
    EXPECT_EQ(cell_text(Poco::Dynamic::Var(std::string("bad \xff byte"))), "bad ? byte");
    EXPECT_EQ(cell_text(Poco::Dynamic::Var(std::string("c1 \xc2\x9b here"))), "c1 ? here");
    EXPECT_EQ(cell_text(Poco::Dynamic::Var(std::string("rtl \xe2\x80\xae x"))), "rtl ? x");
    EXPECT_EQ(cell_text(Poco::Dynamic::Var(std::string("caf\xc3\xa9"))), "caf\xc3\xa9");
    EXPECT_EQ(cell_text(Poco::Dynamic::Var(std::string(100, 'w'))),
              std::string(kMaxCellChars - 1, 'w') + "\xe2\x80\xa6");
    EXPECT_EQ(cell_text(Poco::Dynamic::Var(std::string("abcdef")), 4), "abc\xe2\x80\xa6");
    EXPECT_EQ(cell_text(Poco::Dynamic::Var()), "-");
    EXPECT_EQ(cell_text(Poco::Dynamic::Var(true)), "true");
    EXPECT_EQ(cell_text(Poco::Dynamic::Var(42)), "42");
    EXPECT_EQ(cell_text(parse(R"({"v": [1, "a"]})")->get("v")), R"([1,"a"])");
}

TEST(CliListingTable, WidthsCountCharactersNotBytes) {
    EXPECT_EQ(listing_table(
                  parse(R"({"items": [{"a": "\u00e9\u00e9", "b": 1}, {"a": "xyz", "b": 2}]})"), {}),
              "A    B\n"
              "\xc3\xa9\xc3\xa9   1\n"
              "xyz  2");
}

TEST(CliListingTable, TitlesSummaryNamesAndMsgAreMadeSafeToo) {
    EXPECT_EQ(listing_table(parse(R"({"items": [{"k": "v"}], "summary": {"n\u001bx": "a\nb"},
                                      "msg": "done\u0007"})"),
                            {{"K\x07", "k"}}),
              "K?\n"
              "v\n"
              "\n"
              "n?x: a b\n"
              "done?");
}

TEST(CliListingTable, NoItemsSaysSoAndAFailedListingSaysFailed) {
    EXPECT_EQ(listing_table(parse(R"({"items": [], "summary": {"total": 0}, "msg": "none"})"), {}),
              "(no items)\n\ntotal: 0\nnone");
    EXPECT_EQ(listing_table(parse(R"({"items": [], "failed": true, "msg": "boom"})"), {}),
              "(no items)\n\nFAILED: boom");
}

TEST(CliListingTable, JsonUnlessATableIsAskedForAndTheOutcomeHasItems) {
    const Object::Ptr listing = parse(kListing);
    EXPECT_EQ(outcome_text(listing, "{json}", {}, false), "{json}");
    EXPECT_NE(outcome_text(listing, "{json}", {}, true).find("KEY"), std::string::npos);
    const Object::Ptr plain = parse(R"({"status": "succeeded", "msg": "sent"})");
    EXPECT_FALSE(has_items(plain));
    EXPECT_EQ(outcome_text(plain, "{json}", {}, true), "{json}");
    EXPECT_EQ(outcome_text(parse(R"({"items": "not a list"})"), "{json}", {}, true), "{json}");
}

}  // namespace
}  // namespace taskhost
