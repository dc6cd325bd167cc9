// The compact JSON writer (issue 12): byte for byte what Poco's Stringifier writes, for every byte
// in strings and keys, both key orders, every number type Poco's parser makes, documents Poco
// parsed, and thousands of random documents.
#include <gtest/gtest.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <limits>
#include <random>
#include <sstream>
#include <string>

#include "random_json.h"
#include "util/json_writer.h"

namespace taskhost {
namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

std::string poco(const Var& value) {
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(value, out, 0, -1);
    return out.str();
}

std::string ours(const Var& value) {
    std::string out;
    append_json(out, value);
    return out;
}

TEST(JsonWriter, EveryByteInAStringAndAKeyIsWrittenAsPocoWritesIt) {
    for (int byte = 0; byte < 256; ++byte) {
        const std::string text = "a" + std::string(1, static_cast<char>(byte)) + "z";
        Object::Ptr object = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        object->set(text, text);
        object->set("plain", std::string(1, static_cast<char>(byte)));
        EXPECT_EQ(ours(object), poco(object)) << "byte " << byte;
    }
}

TEST(JsonWriter, KeysComeInTheObjectsOwnOrder) {
    for (const int options : {0, static_cast<int>(Poco::JSON_PRESERVE_KEY_ORDER)}) {
        Object::Ptr object = new Object(options);
        for (const char* key : {"zeta", "alpha", "mu", "", "beta", "Alpha"}) {
            object->set(key, key);
        }
        object->set("mu", 3);  // a key set again keeps its place
        EXPECT_EQ(ours(object), poco(object)) << "options " << options;
    }
}

TEST(JsonWriter, NumbersBooleansNullAndNestingMatchPoco) {
    Object::Ptr object = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    object->set("i64min", std::numeric_limits<Poco::Int64>::min());
    object->set("i64max", std::numeric_limits<Poco::Int64>::max());
    object->set("u64max", std::numeric_limits<Poco::UInt64>::max());
    object->set("i32", static_cast<Poco::Int32>(-42));
    object->set("u32", static_cast<Poco::UInt32>(42));
    object->set("double", 0.1);
    object->set("big", 1e300);
    object->set("negzero", -0.0);
    object->set("char", 'x');
    object->set("yes", true);
    object->set("no", false);
    object->set("null", Var());
    Array::Ptr list = new Array;
    list->add(1);
    list->add("two");
    list->add(Object::Ptr(new Object));
    list->add(Array::Ptr(new Array));
    Object::Ptr inner = new Object;
    inner->set("list", list);
    object->set("inner", inner);
    object->set("empty", Object::Ptr(new Object));
    EXPECT_EQ(ours(object), poco(object));
}

TEST(JsonWriter, DocumentsPocoParsedAreWrittenBackAsPocoWritesThem) {
    const std::string text =
        R"({"task": "digicert.dcv.resend", "params": {"domain_id": 8000001, "email_array":)"
        R"( ["a@x.example", "b\u00e9@x.example"], "ratio": 0.25, "deep": {"z": [true, null, -7,)"
        R"( 1.5e10, "tab\tquote\"slash\\/"]}}, "ok": false, "n": 18446744073709551615})";
    for (const bool ordered : {false, true}) {
        Poco::JSON::Parser parser;
        parser.setAllowComments(false);
        if (ordered) {
            parser.setHandler(new Poco::JSON::ParseHandler(true));
        }
        const Var parsed = parser.parse(text);
        EXPECT_EQ(ours(parsed), poco(parsed)) << "ordered " << ordered;
    }
}

TEST(JsonWriter, AnObjectThatAsksForUnicodeEscapesIsLeftToPoco) {
    Object::Ptr object = new Object(Poco::JSON_ESCAPE_UNICODE | Poco::JSON_PRESERVE_KEY_ORDER);
    object->set("name", "caf\xc3\xa9");
    Object::Ptr outer = new Object;
    outer->set("inner", object);
    EXPECT_EQ(ours(outer), poco(outer));
    EXPECT_EQ(ours(object), poco(object));
}

// Any byte in strings and keys; objects in either key order.
const taskhost_test::RandomJsonShape kAnyBytes{[](std::mt19937& rng) {
                                                   std::uniform_int_distribution<int> byte(0, 255);
                                                   std::string out;
                                                   for (int i = rng() % 13; i > 0; --i) {
                                                       out += static_cast<char>(byte(rng));
                                                   }
                                                   return out;
                                               },
                                               true};

TEST(JsonWriter, ThousandsOfRandomDocumentsMatchPoco) {
    std::mt19937 rng(12);
    for (int i = 0; i < 3000; ++i) {
        Object::Ptr object = new Object(i % 2 == 0 ? 0 : Poco::JSON_PRESERVE_KEY_ORDER);
        object->set("value", taskhost_test::random_json(rng, kAnyBytes));
        object->set("more", taskhost_test::random_json(rng, kAnyBytes));
        ASSERT_EQ(ours(object), poco(object)) << "document " << i;
    }
}

}  // namespace
}  // namespace taskhost
