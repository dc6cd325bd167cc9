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

}  // namespace
}  // namespace taskhost
