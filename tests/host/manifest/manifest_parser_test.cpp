// ManifestParser: strict reading of one manifest file, with errors naming file, task and field.
#include <gtest/gtest.h>

#include "manifest/manifest.h"
#include "util/json_syntax_error.h"
#include "util/resend_interval.h"

namespace taskhost {
namespace {

const std::string kFile = "m.json";

Manifest parse(const std::string& text) {
    return parse_manifest(text, kFile);
}

std::string problem_text(const Manifest& manifest, size_t i = 0) {
    return i < manifest.problems.size() ? manifest.problems[i].error.text() : "(no problem)";
}

TEST(ManifestParser, ReadsTasksWithDefaultsMergedUnderTaskFields) {
    const Manifest m = parse(R"({"version": 1,
      "defaults": {"account": "prod", "params": {"locale": "en", "name_scope": "a.example.com",
                                                 "skip_if_validated": true},
                   "resend_interval": "12h"},
      "tasks": [
        {"name": "one", "task": "digicert.dcv.resend", "params": {"domain_id": 1, "locale": "de"}},
        {"name": "two", "task": "digicert.dcv.resend", "account": "other",
         "params": {"domain_id": 2, "skip_if_validated": false}, "resend_interval": "1h30m"}]})");
    ASSERT_TRUE(m.problems.empty()) << problem_text(m);
    ASSERT_EQ(m.tasks.size(), 2u);
    EXPECT_EQ(m.tasks[0].account, "prod");
    EXPECT_EQ(m.tasks[0].params->getValue<std::string>("locale"), "de");
    EXPECT_EQ(m.tasks[0].params->getValue<std::string>("name_scope"), "a.example.com");
    EXPECT_EQ(m.tasks[0].resend_interval, std::chrono::hours(12));
    EXPECT_TRUE(m.tasks[0].params->getValue<bool>("skip_if_validated"));
    EXPECT_EQ(m.tasks[1].account, "other");
    EXPECT_EQ(m.tasks[1].resend_interval, std::chrono::minutes(90));
    EXPECT_FALSE(m.tasks[1].params->getValue<bool>("skip_if_validated"));
    EXPECT_EQ(m.tasks[1].index, 1u);
}

TEST(ManifestParser, DefaultIntervalIs24Hours) {
    const Manifest m = parse(R"({"version":1,"tasks":[{"name":"a","task":"t"}]})");
    ASSERT_EQ(m.tasks.size(), 1u) << problem_text(m);
    EXPECT_EQ(m.tasks[0].resend_interval, std::chrono::hours(24));
    EXPECT_FALSE(m.tasks[0].account.has_value());
}

TEST(ManifestParser, SyntaxErrorNamesLineAndColumn) {
    const Manifest m =
        parse("{\"version\": 1,\n  \"tasks\": [\n    {\"name\": \"a\",, \"task\": \"t\"}\n]}");
    ASSERT_TRUE(m.file_failed());
    EXPECT_TRUE(m.tasks.empty());
    const std::string text = problem_text(m);
    EXPECT_NE(text.find("m.json:3:18"), std::string::npos) << text;
    EXPECT_NE(text.find("line 3, column 18"), std::string::npos) << text;
}

TEST(ManifestParser, SyntaxLocatorFindsTheFirstBadByte) {
    struct Case {
        std::string text;
        size_t line, column;
    };
    for (const Case& c : std::vector<Case>{{"{\"a\": [1, 2,]}", 1, 13},
                                           {"{\n\"a\" 1}", 2, 5},
                                           {"{\"a\": tru}", 1, 7},
                                           {"{\"a\": 1} x", 1, 10},
                                           {"{\"a\": \"x\n\"}", 1, 9},
                                           {"{\"a\": 01}", 1, 8},
                                           {"{\"a\": [1", 1, 9},
                                           {"", 1, 1}}) {
        const auto found = find_json_syntax_error(c.text);
        ASSERT_TRUE(found.has_value()) << c.text;
        EXPECT_EQ(found->line, c.line) << c.text << ": " << found->problem;
        EXPECT_EQ(found->column, c.column) << c.text << ": " << found->problem;
    }
    for (const std::string valid : {"{}", "[1, -2.5e+3, \"\\u00e9\\n\", true, null, {\"a\": []}]",
                                    " {\"a\":{\"b\":[[]]}} "}) {
        EXPECT_FALSE(find_json_syntax_error(valid).has_value()) << valid;
    }
}

TEST(ManifestParser, UnknownTaskFieldFailsThatTaskOnlyNamingFileTaskAndField) {
    const Manifest m = parse(R"({"version":1,"tasks":[
        {"name":"good","task":"t","params":{"domain_id":1}},
        {"name":"bad","task":"t","resend_intervall":"1h"},
        {"name":"also-good","task":"t"}]})");
    ASSERT_EQ(m.tasks.size(), 2u);
    EXPECT_EQ(m.tasks[0].name, "good");
    EXPECT_EQ(m.tasks[1].name, "also-good");
    ASSERT_EQ(m.problems.size(), 1u);
    EXPECT_FALSE(m.file_failed());
    EXPECT_EQ(m.problems[0].index, 1u);
    EXPECT_EQ(m.problems[0].name, "bad");
    const std::string text = problem_text(m);
    EXPECT_NE(text.find("m.json"), std::string::npos) << text;
    EXPECT_NE(text.find("task \"bad\""), std::string::npos) << text;
    EXPECT_NE(text.find("$.tasks[1].resend_intervall"), std::string::npos) << text;
    EXPECT_NE(text.find("is not a known field"), std::string::npos) << text;
}

TEST(ManifestParser, APluginSettingOutsideParamsIsAnUnknownFieldPointingToParams) {
    for (const std::string& text :
         {std::string(
              R"({"version":1,"tasks":[{"name":"a","task":"t","skip_if_validated":true}]})"),
          std::string(R"({"version":1,"defaults":{"skip_if_validated":true},"tasks":[]})")}) {
        const Manifest m = parse(text);
        ASSERT_EQ(m.problems.size(), 1u) << text;
        EXPECT_TRUE(m.tasks.empty()) << text;
        const HostError& e = m.problems[0].error;
        EXPECT_NE(e.where.find(".skip_if_validated"), std::string::npos) << e.text();
        EXPECT_EQ(e.problem, "is not a known field") << e.text();
        EXPECT_NE(e.fix.find("known here: "), std::string::npos) << e.text();
        EXPECT_EQ(e.fix.find("skip_if_validated"), std::string::npos) << e.text();
        EXPECT_NE(e.fix.find("a plugin's own settings go in \"params\""), std::string::npos)
            << e.text();
    }
}

TEST(ManifestParser, WrongTypesAreNamedWithTheExpectedType) {
    struct Case {
        std::string task;
        std::string field;
        std::string expected;
    };
    for (const Case& c : std::vector<Case>{
             {R"({"name":"x","task":"t","params":[1]})", "$.tasks[0].params", "expected an object"},
             {R"({"name":"x","task":5})", "$.tasks[0].task", "expected a string"},
             {R"({"name":"x","task":"t","account":true})", "$.tasks[0].account",
              "is a boolean, expected a string"},
             {R"({"name":"x","task":"t","resend_interval":24})", "$.tasks[0].resend_interval",
              "expected a string"},
             {R"({"name":"x","task":"t","resend_interval":"1 day"})", "$.tasks[0].resend_interval",
              "is not a duration"},
             {R"({"name":"x","task":"t","account":""})", "$.tasks[0].account", "is empty"},
             {R"({"name":"has space","task":"t"})", "$.tasks[0].name", "not a usable name"},
             {R"({"task":"t"})", "$.tasks[0].name", "is missing"},
             {R"("just a string")", "$.tasks[0]", "expected an object"}}) {
        const Manifest m = parse(R"({"version":1,"tasks":[)" + c.task + "]}");
        ASSERT_EQ(m.problems.size(), 1u) << c.task;
        EXPECT_TRUE(m.tasks.empty());
        const std::string text = problem_text(m);
        EXPECT_NE(text.find(c.field), std::string::npos) << text;
        EXPECT_NE(text.find(c.expected), std::string::npos) << text;
        EXPECT_NE(text.find("fix: "), std::string::npos) << text;
    }
}

TEST(ManifestParser, DuplicateNameFailsTheSecondTask) {
    const Manifest m = parse(R"({"version":1,"tasks":[
        {"name":"a","task":"t"},{"name":"b","task":"t"},{"name":"a","task":"t"}]})");
    ASSERT_EQ(m.tasks.size(), 2u);
    ASSERT_EQ(m.problems.size(), 1u);
    EXPECT_EQ(m.problems[0].index, 2u);
    const std::string text = problem_text(m);
    EXPECT_NE(text.find("already used by $.tasks[0]"), std::string::npos) << text;
}

TEST(ManifestParser, FileLevelProblemsFailTheWholeFile) {
    for (const std::string& text :
         {std::string(R"({"tasks":[]})"), std::string(R"({"version":2,"tasks":[]})"),
          std::string(R"({"version":1})"), std::string(R"({"version":1,"tasks":{}})"),
          std::string(R"({"version":1,"tasks":[],"extra":1})"),
          std::string(R"({"version":1,"defaults":{"params":3},"tasks":[{"name":"a","task":"t"}]})"),
          std::string(R"({"version":1,"defaults":{"interval":"1h"},"tasks":[]})"),
          std::string(R"([1,2])")}) {
        const Manifest m = parse(text);
        EXPECT_TRUE(m.file_failed()) << text;
        EXPECT_TRUE(m.tasks.empty()) << text;
        EXPECT_NE(problem_text(m).find("m.json"), std::string::npos) << problem_text(m);
    }
}

TEST(ManifestParser, AnApiKeyAnywhereFailsTheFileWithoutEchoingIt) {
    const Manifest m = parse(R"({"version":1,"tasks":[{"name":"a","task":"t",
        "params":{"domain_id":1,"API-Key":"CANARY-KEY-7f3a9c"}}]})");
    ASSERT_TRUE(m.file_failed());
    const std::string text = problem_text(m);
    EXPECT_NE(text.find("never hold an API key"), std::string::npos) << text;
    EXPECT_EQ(text.find("CANARY-KEY-7f3a9c"), std::string::npos) << text;
}

TEST(ManifestParser, DuplicateKeysAreRefusedNotSilentlyMerged) {
    const Manifest m = parse(
        R"({"version":1,"tasks":[{"name":"a","task":"t","params":{"domain_id":1,"domain_id":2}}]})");
    ASSERT_TRUE(m.file_failed());
    EXPECT_NE(problem_text(m).find("domain_id"), std::string::npos) << problem_text(m);
    EXPECT_NE(problem_text(m).find("twice"), std::string::npos) << problem_text(m);
}

TEST(ManifestParser, LimitsOnSizeDepthAndTaskCount) {
    const Manifest big = parse("{\"version\":1,\"tasks\":[],\"pad\":\"" +
                               std::string(kMaxManifestBytes, 'x') + "\"}");
    ASSERT_TRUE(big.file_failed());
    EXPECT_NE(problem_text(big).find("more than the limit"), std::string::npos);

    std::string deep = "1";
    for (int i = 0; i < 40; ++i) {
        deep = "[" + deep + "]";
    }
    const Manifest nested =
        parse(R"({"version":1,"tasks":[{"name":"a","task":"t","params":{"x":)" + deep + "}}]}");
    ASSERT_TRUE(nested.file_failed());
    EXPECT_NE(problem_text(nested).find("deeper"), std::string::npos) << problem_text(nested);

    std::string many = R"({"version":1,"tasks":[)";
    for (size_t i = 0; i <= kMaxManifestTasks; ++i) {
        many += std::string(i ? "," : "") + "{}";
    }
    const Manifest crowded = parse(many + "]}");
    ASSERT_TRUE(crowded.file_failed());
    EXPECT_NE(problem_text(crowded).find("split the manifest"), std::string::npos);
}

TEST(ResendInterval, ParsesUnitsLargestFirst) {
    EXPECT_EQ(parse_resend_interval("24h"), std::chrono::hours(24));
    EXPECT_EQ(parse_resend_interval("1d2h3m4s"), std::chrono::seconds(93784));
    EXPECT_EQ(parse_resend_interval("0s"), std::chrono::seconds(0));
    EXPECT_EQ(parse_resend_interval("366d"), std::chrono::hours(366 * 24));
    for (const char* bad : {"", "h", "24", "1h1d", "1h1h", "367d", "1.5h", "-1h", " 1h", "1w",
                            "99999999999999999999s"}) {
        EXPECT_FALSE(parse_resend_interval(bad).has_value()) << bad;
    }
    EXPECT_EQ(format_resend_interval(std::chrono::seconds(5400)), "1h30m");
    EXPECT_EQ(format_resend_interval(std::chrono::hours(24)), "1d");
}

}  // namespace
}  // namespace taskhost
