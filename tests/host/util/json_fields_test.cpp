// JsonFields: the one strict field reader; every error names "SOURCE: $.json.path", what is
// wrong and the fix, worded by the document's rules. And the one API-key name check.
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>

#include "util/api_key_name.h"
#include "util/host_error.h"
#include "util/json_fields.h"

namespace taskhost {
namespace {

using Poco::JSON::Object;

Object::Ptr parse(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Object::Ptr>();
}

JsonFields fields_of(const std::string& text, JsonFieldRules rules = {}) {
    return JsonFields(parse(text), "f.json", "$", std::move(rules));
}

// Runs `read` and returns the error it throws (an empty one, and a test failure, if none).
template <class Read>
HostError error_of(Read read) {
    try {
        read();
    } catch (const HostErrorException& e) {
        return e.error();
    }
    ADD_FAILURE() << "no error thrown";
    return HostError{};
}

TEST(JsonFields, ReadsTypedFields) {
    const JsonFields f = fields_of(
        R"({"s": "text", "n": 42, "b": true, "o": {"x": 1}, "a": [1, 2], "p": "sub/../k.key"})");
    EXPECT_TRUE(f.has("s"));
    EXPECT_FALSE(f.has("missing"));
    EXPECT_EQ(f.text("s"), "text");
    EXPECT_EQ(f.integer("n", 1, 100), 42);
    EXPECT_TRUE(f.boolean("b"));
    EXPECT_EQ(f.object("o")->getValue<int>("x"), 1);
    EXPECT_EQ(f.array("a")->size(), 2u);
    EXPECT_EQ(f.path("p", "/etc/taskhost"), "/etc/taskhost/k.key");
    EXPECT_EQ(fields_of(R"({"p": "/abs//k"})").path("p", "/etc"), "/abs/k");
}

TEST(JsonFields, WrongTypesNameThePathTheTypeAndTheFix) {
    const JsonFields f = fields_of(R"({"s": 1, "n": "1", "t": true, "b": 0, "o": [], "a": {}})");
    HostError e = error_of([&] { f.text("s"); });
    EXPECT_EQ(e.where, "f.json: $.s");
    EXPECT_EQ(e.problem, "is an integer, expected a string");
    EXPECT_EQ(e.fix, "write it in double quotes");
    e = error_of([&] { f.integer("n", 1, 5); });
    EXPECT_EQ(e.text(),
              "f.json: $.n: is a string, expected an integer; fix: write a whole number "
              "from 1 to 5");
    EXPECT_EQ(error_of([&] { f.integer("t", 0, 1); }).problem, "is a boolean, expected an integer");
    EXPECT_EQ(error_of([&] { f.boolean("b"); }).text(),
              "f.json: $.b: is an integer, expected a boolean; fix: write true or false");
    EXPECT_EQ(error_of([&] { f.object("o"); }).text(),
              "f.json: $.o: is an array, expected an object; fix: write it as {...}");
    EXPECT_EQ(error_of([&] { f.child("o", "write {\"x\": 1}"); }).fix, "write {\"x\": 1}");
    EXPECT_EQ(error_of([&] { f.array("a", "write [1]"); }).text(),
              "f.json: $.a: is an object, expected an array; fix: write [1]");
}

TEST(JsonFields, IntegersOutsideTheirRangeAreRefused) {
    const JsonFields f =
        fields_of(R"({"low": 0, "high": 11, "huge": 18446744073709551615, "real": 1.5})");
    EXPECT_EQ(error_of([&] { f.integer("low", 1, 10); }).problem, "0 is out of range");
    EXPECT_EQ(error_of([&] { f.integer("high", 1, 10); }).problem, "11 is out of range");
    EXPECT_EQ(error_of([&] { f.integer("huge", 1, 10); }).problem, "is out of range");
    EXPECT_EQ(error_of([&] { f.integer("real", 1, 10); }).problem,
              "is a number, expected an integer");
    EXPECT_EQ(fields_of(R"({"n": 10})").integer("n", 1, 10), 10);
}

TEST(JsonFields, TextRulesAreTheDocumentsOwn) {
    const JsonFields lax = fields_of(R"({"e": "", "c": "a\u0001b"})");
    EXPECT_EQ(lax.text("e"), "") << "by default an empty string is a string";
    EXPECT_EQ(lax.text("c"),
              "a\x01"
              "b");

    JsonFieldRules strict;
    strict.text_non_empty = true;
    strict.text_plain = true;
    strict.text_max_chars = 3;
    strict.text_fix = "write a non-empty string";
    const JsonFields f =
        fields_of(R"({"e": "", "c": "a\u0001b", "long": "abcd", "ok": "abc"})", strict);
    EXPECT_EQ(error_of([&] { f.text("e"); }).text(),
              "f.json: $.e: is empty; fix: write a non-empty string");
    EXPECT_EQ(error_of([&] { f.text("c"); }).problem, "holds a control character");
    EXPECT_EQ(error_of([&] { f.text("long"); }).text(),
              "f.json: $.long: is longer than 3 characters; fix: shorten it");
    EXPECT_EQ(f.text("ok"), "abc");
}

TEST(JsonFields, PathsMustBeUsable) {
    const JsonFields f = fields_of("{\"e\": \"\", \"c\": \"a\\u0007b\", \"long\": \"" +
                                   std::string(4097, 'a') + "\"}");
    for (const char* key : {"e", "c", "long"}) {
        const HostError e = error_of([&] { f.path(key, "/etc"); });
        EXPECT_EQ(e.problem, "is not a usable path") << key;
        EXPECT_EQ(e.fix, JsonFieldRules{}.path_fix) << key;
    }
    JsonFieldRules plain;
    plain.text_plain = true;
    EXPECT_EQ(error_of([&] { fields_of(R"({"c": "a\u0007b"})", plain).path("c", "/"); }).problem,
              "holds a control character");
}

TEST(JsonFields, UnknownFieldsAreRefusedListingTheKnownOnesInTheOrderGiven) {
    const JsonFields f = fields_of(R"({"b": 1, "zz": 2})");
    HostError e = error_of([&] { f.only_known({"b", "a"}); });
    EXPECT_EQ(e.text(),
              "f.json: $.zz: is not a known field; fix: remove it or correct its spelling (known "
              "here: b, a)");
    e = error_of([&] { f.only_known({"b"}, "a plugin's own settings go in \"params\""); });
    EXPECT_EQ(e.fix,
              "remove it or correct its spelling (known here: b); a plugin's own settings go in "
              "\"params\"");
    JsonFieldRules terse;
    terse.unknown_fix = "remove it";
    terse.known_label = "known";
    EXPECT_EQ(error_of([&] {
                  fields_of(R"({"x": 1})", terse).only_known({"b", "a"});
              }).fix,
              "remove it (known: b, a)");
    fields_of(R"({"a": 1, "b": 2})").only_known({"a", "b"});  // all known: no error
}

TEST(JsonFields, NestedReadersKeepTheSourceTheRulesAndExtendThePath) {
    JsonFieldRules rules;
    rules.boolean_fix = "write true or false (without quotes)";
    const JsonFields root =
        fields_of(R"({"daemon": {"tcp": {"port": "x", "on": 1}}, "list": [{"a b": 1}, 7]})", rules);
    const JsonFields tcp = root.child("daemon").child("tcp");
    EXPECT_EQ(tcp.json_path(), "$.daemon.tcp");
    EXPECT_EQ(tcp.where(), "f.json: $.daemon.tcp");
    EXPECT_EQ(error_of([&] { tcp.integer("port", 1, 2); }).where, "f.json: $.daemon.tcp.port");
    EXPECT_EQ(error_of([&] { tcp.boolean("on"); }).fix, "write true or false (without quotes)");

    const Poco::JSON::Array::Ptr list = root.array("list");
    const JsonFields first = root.nested(list->get(0), "$.list[0]");
    EXPECT_EQ(error_of([&] { first.only_known({"a"}); }).where, "f.json: $.list[0][\"a b\"]");
    const HostError e = error_of([&] { root.nested(list->get(1), "$.list[1]", "write {}"); });
    EXPECT_EQ(e.text(), "f.json: $.list[1]: is an integer, expected an object; fix: write {}");
    EXPECT_EQ(error_of([&] { JsonFields::of(Poco::Dynamic::Var("s"), "body", "$"); }).where,
              "body: $");
}

TEST(ApiKeyName, AnySpellingOfApiKeyIsOneSecret) {
    for (const char* name : {"api_key", "apiKey", "API-KEY", "Api_Key", "apikey", "a-p-i-k-e-y"}) {
        EXPECT_TRUE(looks_like_api_key(name)) << name;
    }
    for (const char* name : {"api", "key", "api_keys", "x_api_key", ""}) {
        EXPECT_FALSE(looks_like_api_key(name)) << name;
    }
}

TEST(ApiKeyName, FindsTheFirstApiKeyAtAnyDepthByItsPath) {
    EXPECT_EQ(find_api_key(parse(R"({"a": 1, "params": {"nested": [{"x": 1}, {"apiKey": "k"}]}})")),
              "$.params.nested[1].apiKey");
    EXPECT_EQ(find_api_key(parse(R"({"API KEY": 1, "Api-Key": 2})"), "$.spec"), "$.spec.Api-Key");
    EXPECT_FALSE(find_api_key(parse(R"({"a": {"b": ["api_key"]}})")).has_value())
        << "a value that reads api_key is not a key";
}

}  // namespace
}  // namespace taskhost
