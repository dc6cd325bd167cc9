// PluginDescription: what a plugin's describe must hold before the host trusts it.
#include <gtest/gtest.h>

#include "plugins/plugin_description.h"

namespace taskhost {
namespace {

const std::string kTask =
    R"({"name": "t.x", "summary": "s", "params_schema": {"type": "object", "properties": {}}})";

std::string describe(const std::string& abi, const std::string& tasks) {
    return R"({"abi_version": )" + abi + R"(, "name": "p", "version": "1.0", "tasks": )" + tasks +
           "}";
}

HostError error_of(const std::string& text) {
    Result<PluginDescription> d = parse_plugin_description(text.c_str(), 1, "plugin file p.so");
    EXPECT_FALSE(d.ok()) << text;
    return d.ok() ? HostError{} : d.error();
}

TEST(PluginDescription, AcceptsAnIntegerOrDottedAbiVersion) {
    for (const std::string abi : {"1", "\"1\"", "\"1.4\""}) {
        Result<PluginDescription> d =
            parse_plugin_description(describe(abi, "[" + kTask + "]").c_str(), 1, "p");
        ASSERT_TRUE(d.ok()) << abi << ": " << d.error().text();
        EXPECT_EQ(d.value().abi_major, 1u);
        EXPECT_EQ(d.value().tasks.at(0).name, "t.x");
    }
}

TEST(PluginDescription, OtherMajorIsRefusedBeforeAnythingElseIsJudged) {
    const HostError e = error_of(R"({"abi_version": "2.0", "tasks": "whatever"})");
    EXPECT_NE(e.problem.find("plugin reports ABI 2, this taskhost speaks ABI 1"), std::string::npos)
        << e.text();
    EXPECT_EQ(e.where, "plugin file p.so");
}

TEST(PluginDescription, MissingOrMalformedFieldsAreRefusedNamingThem) {
    EXPECT_NE(error_of(R"({"name": "p"})").problem.find("abi_version"), std::string::npos);
    EXPECT_NE(error_of(describe("1", "[]")).problem.find("offers no task"), std::string::npos);
    EXPECT_NE(error_of(describe("1", "{}")).problem.find("$.tasks is an object"),
              std::string::npos);
    EXPECT_NE(error_of(describe("1", R"([{"name": "t.x", "summary": "s"}])"))
                  .problem.find("$.tasks[0].params_schema"),
              std::string::npos);
    EXPECT_NE(
        error_of(describe("1", "[" + kTask + "," + kTask + "]")).problem.find("task t.x twice"),
        std::string::npos);
    EXPECT_NE(
        error_of(describe("1", R"([{"name": "bad name", "summary": "s", "params_schema": {}}])"))
            .problem.find("not a task name"),
        std::string::npos);
}

TEST(PluginDescription, NullOversizeAndDeepDescribesAreRefused) {
    EXPECT_NE(parse_plugin_description(nullptr, 1, "p").error().problem.find("NULL"),
              std::string::npos);
    const std::string huge = describe("1", "[" + kTask + "]") + std::string(kMaxDescribeBytes, ' ');
    EXPECT_NE(error_of(huge).problem.find("longer than"), std::string::npos);
    std::string deep =
        R"({"abi_version": 1, "x": )" + std::string(40, '[') + std::string(40, ']') + "}";
    EXPECT_NE(error_of(deep).problem.find("deeper than"), std::string::npos);
}

// A task with `extra` members added after its params_schema.
std::string task_with(const std::string& extra) {
    return describe("1",
                    R"([{"name": "t.list", "summary": "s", "params_schema": {})" + extra + "}]");
}

TEST(PluginDescription, ReadOnlyIsFalseUnlessTheTaskSaysTrue) {
    Result<PluginDescription> plain = parse_plugin_description(task_with("").c_str(), 1, "p");
    ASSERT_TRUE(plain.ok()) << plain.error().text();
    EXPECT_FALSE(plain.value().tasks.at(0).read_only);
    EXPECT_TRUE(plain.value().tasks.at(0).item_columns.empty());
    for (const std::string value : {"true", "false"}) {
        Result<PluginDescription> d =
            parse_plugin_description(task_with(R"(, "read_only": )" + value).c_str(), 1, "p");
        ASSERT_TRUE(d.ok()) << d.error().text();
        EXPECT_EQ(d.value().tasks.at(0).read_only, value == "true");
    }
}

TEST(PluginDescription, NonBooleanReadOnlyIsRefusedNamingTheTaskAndTheField) {
    for (const std::string value : {R"("yes")", "1", "null", "{}"}) {
        const HostError e = error_of(task_with(R"(, "read_only": )" + value));
        EXPECT_EQ(e.where, "plugin file p.so: task t.list") << value;
        EXPECT_NE(e.problem.find("describe $.tasks[0].read_only is "), std::string::npos)
            << e.text();
        EXPECT_NE(e.problem.find("expected a boolean"), std::string::npos) << e.text();
        EXPECT_NE(e.fix.find("\"read_only\": true or false"), std::string::npos) << e.text();
    }
}

TEST(PluginDescription, ItemColumnsAreReadWithTitlesAndDottedKeys) {
    Result<PluginDescription> d = parse_plugin_description(
        task_with(R"(, "read_only": true, "item_columns": [{"title": "DOMAIN", "key": "name"},
                  {"title": "OV STATUS", "key": "validations.ov.status"}])")
            .c_str(),
        1, "p");
    ASSERT_TRUE(d.ok()) << d.error().text();
    const std::vector<ItemColumn>& columns = d.value().tasks.at(0).item_columns;
    ASSERT_EQ(columns.size(), 2u);
    EXPECT_EQ(columns[0].title, "DOMAIN");
    EXPECT_EQ(columns[0].key, "name");
    EXPECT_EQ(columns[1].title, "OV STATUS");
    EXPECT_EQ(columns[1].key, "validations.ov.status");
}

TEST(PluginDescription, BadItemColumnsAreRefusedNamingTheColumnAndField) {
    struct Case {
        std::string columns;
        std::string problem;
    };
    std::string many = "[";
    for (size_t i = 0; i <= kMaxItemColumns; ++i) {
        many += std::string(i ? "," : "") + R"({"title": "T", "key": "k"})";
    }
    many += "]";
    const std::vector<Case> cases = {
        {R"({"title": "T", "key": "k"})", "$.tasks[0].item_columns is an object"},
        {many, "has 33 columns, more than 32"},
        {R"(["name"])", "$.tasks[0].item_columns[0] is a string, expected an object"},
        {R"([{"key": "k"}])", "$.tasks[0].item_columns[0].title is missing"},
        {R"([{"title": "T", "key": ""}])", "$.tasks[0].item_columns[0].key is empty"},
        {R"([{"title": "T", "key": 3}])", "$.tasks[0].item_columns[0].key is an integer"},
        {R"([{"title": "T", "key": "k", "width": 3}])",
         "$.tasks[0].item_columns[0].width is not a column field"},
        {R"([{"title": ")" + std::string(33, 'x') + R"(", "key": "k"}])",
         "item_columns[0].title \"" + std::string(33, 'x') + "\" is not a usable column title"},
        {R"([{"title": "A\u001bB", "key": "k"}])", "item_columns[0].title"},
        {R"([{"title": "T", "key": "a..b"}])", "item_columns[0].key \"a..b\" is not a path"},
        {R"([{"title": "T", "key": ".a"}])", "item_columns[0].key \".a\" is not a path"},
        {R"([{"title": "T", "key": "a b"}])", "item_columns[0].key \"a b\" is not a path"},
        {R"([{"title": "T", "key": ")" + std::string(129, 'k') + R"("}])", "is not a path"},
    };
    for (const Case& c : cases) {
        const HostError e = error_of(task_with(R"(, "item_columns": )" + c.columns));
        EXPECT_EQ(e.where, "plugin file p.so: task t.list") << c.columns;
        EXPECT_NE(e.problem.find(c.problem), std::string::npos) << c.columns << " -> " << e.text();
        EXPECT_FALSE(e.fix.empty());
    }
}

}  // namespace
}  // namespace taskhost
