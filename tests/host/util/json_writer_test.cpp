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

Var random_value(std::mt19937& rng, int depth) {
    std::uniform_int_distribution<int> kind(0, depth > 3 ? 4 : 6);
    std::uniform_int_distribution<int> byte(0, 255);
    std::uniform_int_distribution<int> length(0, 12);
    const auto text = [&] {
        std::string out;
        for (int i = length(rng); i > 0; --i) {
            out += static_cast<char>(byte(rng));
        }
        return out;
    };
    switch (kind(rng)) {
        case 0:
            return text();
        case 1:
            return static_cast<Poco::Int64>(rng()) - (1LL << 31);
        case 2:
            return std::uniform_real_distribution<double>(-1e6, 1e6)(rng);
        case 3:
            return rng() % 2 == 0;
        case 4:
            return Var();
        case 5: {
            Object::Ptr object =
                new Object(rng() % 2 == 0 ? 0 : static_cast<int>(Poco::JSON_PRESERVE_KEY_ORDER));
            for (int i = length(rng) / 2; i > 0; --i) {
                object->set(text(), random_value(rng, depth + 1));
            }
            return object;
        }
        default: {
            Array::Ptr list = new Array;
            for (int i = length(rng) / 2; i > 0; --i) {
                list->add(random_value(rng, depth + 1));
            }
            return list;
        }
    }
}

TEST(JsonWriter, ThousandsOfRandomDocumentsMatchPoco) {
    std::mt19937 rng(12);
    for (int i = 0; i < 3000; ++i) {
        Object::Ptr object = new Object(i % 2 == 0 ? 0 : Poco::JSON_PRESERVE_KEY_ORDER);
        object->set("value", random_value(rng, 0));
        object->set("more", random_value(rng, 0));
        ASSERT_EQ(ours(object), poco(object)) << "document " << i;
    }
}

}  // namespace
}  // namespace taskhost
