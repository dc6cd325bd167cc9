// ManifestForEachParse: a task's "for_each" as the parser reads it, before any plugin is loaded
// (manifest/manifest_for_each.h): its fields, their defaults and each bad shape, named by field.
// ManifestForEachItems: the tasks a listing's items stand for (manifest/for_each_items.h), and
// each way a listing's items can be unusable, named by item.
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>

#include "manifest/for_each_items.h"
#include "manifest/manifest.h"

namespace taskhost {
namespace {

using Poco::JSON::Object;

Manifest parse_task(const std::string& task_json) {
    return parse_manifest(
        R"({"version": 1, "defaults": {"params": {"locale": "en"}}, "tasks": [)" + task_json + "]}",
        "m.json");
}

std::string problem_of(const Manifest& manifest) {
    EXPECT_EQ(manifest.problems.size(), 1u);
    return manifest.problems.empty() ? "(no problem)" : manifest.problems[0].error.text();
}

TEST(ManifestForEachParse, ReadsTheListingTaskItsParamsAndAccount) {
    const Manifest m = parse_task(R"({"name": "keep", "task": "digicert.dcv.resend",
        "for_each": {"task": "digicert.domain.list", "params": {"due_within": "30d"},
                     "account": "eu"},
        "params": {"revalidate_within": "30d"}})");
    ASSERT_TRUE(m.problems.empty()) << problem_of(m);
    ASSERT_EQ(m.tasks.size(), 1u);
    const ManifestTask& task = m.tasks[0];
    ASSERT_TRUE(task.for_each.has_value());
    EXPECT_EQ(task.for_each->task, "digicert.domain.list");
    EXPECT_EQ(task.for_each->params->getValue<std::string>("due_within"), "30d");
    EXPECT_EQ(task.for_each->account, "eu");
    // The task's own params (defaults + task) stay the task's: they are what every item gets.
    EXPECT_EQ(task.params->getValue<std::string>("revalidate_within"), "30d");
    EXPECT_EQ(task.params->getValue<std::string>("locale"), "en");
    EXPECT_FALSE(task.for_each->params->has("locale"));
}

TEST(ManifestForEachParse, ParamsDefaultToEmptyAndAccountToTheTasks) {
    const Manifest m = parse_task(R"({"name": "keep", "task": "t", "for_each": {"task": "l"}})");
    ASSERT_TRUE(m.problems.empty()) << problem_of(m);
    ASSERT_TRUE(m.tasks[0].for_each.has_value());
    EXPECT_EQ(m.tasks[0].for_each->params->size(), 0u);
    EXPECT_FALSE(m.tasks[0].for_each->account.has_value());
    const Manifest plain = parse_task(R"({"name": "one", "task": "t"})");
    ASSERT_EQ(plain.tasks.size(), 1u);
    EXPECT_FALSE(plain.tasks[0].for_each.has_value());
}

TEST(ManifestForEachParse, EachBadShapeFailsThatTaskNamingTheField) {
    struct Case {
        std::string for_each;
        std::string where;
        std::string problem;
    };
    const std::vector<Case> cases = {
        {R"("digicert.domain.list")", "$.tasks[0].for_each", "is a string, expected an object"},
        {R"([{"task": "l"}])", "$.tasks[0].for_each", "is an array, expected an object"},
        {R"({})", "$.tasks[0].for_each.task", "is missing"},
        {R"({"params": {}})", "$.tasks[0].for_each.task", "is missing"},
        {R"({"task": ""})", "$.tasks[0].for_each.task", "is empty"},
        {R"({"task": 7})", "$.tasks[0].for_each.task", "is an integer"},
        {R"({"task": ")" + std::string(300, 'l') + R"("})", "$.tasks[0].for_each.task",
         "longer than"},
        {R"({"task": "l", "params": [1]})", "$.tasks[0].for_each.params",
         "is an array, expected an object"},
        {R"({"task": "l", "params": "due_within=30d"})", "$.tasks[0].for_each.params",
         "is a string"},
        {R"({"task": "l", "account": ""})", "$.tasks[0].for_each.account", "is empty"},
        {R"({"task": "l", "account": false})", "$.tasks[0].for_each.account", "is a boolean"},
        {R"({"task": "l", "param": {}})", "$.tasks[0].for_each.param", "is not a known field"},
    };
    for (const Case& c : cases) {
        const Manifest m =
            parse_task(R"({"name": "keep", "task": "t", "for_each": )" + c.for_each + "}");
        EXPECT_TRUE(m.tasks.empty()) << c.for_each;
        ASSERT_EQ(m.problems.size(), 1u) << c.for_each;
        const HostError& e = m.problems[0].error;
        EXPECT_EQ(e.where, "m.json: task \"keep\": " + c.where) << c.for_each << " -> " << e.text();
        EXPECT_NE(e.text().find(c.problem), std::string::npos) << c.for_each << " -> " << e.text();
        EXPECT_FALSE(e.fix.empty()) << e.text();
        EXPECT_FALSE(m.file_failed()) << "one bad task fails only itself";
    }
}

TEST(ManifestForEachParse, AKeyInTheListingParamsFailsTheFileWithoutEchoingIt) {
    const Manifest m = parse_task(
        R"({"name": "keep", "task": "t", "for_each": {"task": "l", "params": {"api_key": "S3CR3T"}}})");
    ASSERT_TRUE(m.file_failed());
    EXPECT_EQ(problem_of(m).find("S3CR3T"), std::string::npos);
    EXPECT_NE(problem_of(m).find("never hold an API key"), std::string::npos) << problem_of(m);
}

ManifestTask keep_task() {
    const Manifest m = parse_task(R"({"name": "keep", "task": "touch", "account": "a",
        "resend_interval": "2h", "params": {"label": "x", "n": 0},
        "for_each": {"task": "list"}})");
    EXPECT_EQ(m.tasks.size(), 1u) << problem_of(m);
    return m.tasks.at(0);
}

Object::Ptr outcome(const std::string& json) {
    return Poco::JSON::Parser().parse(json).extract<Object::Ptr>();
}

TEST(ManifestForEachItems, OneTaskPerItemNamedByItsKeyWithItsParamsOnTop) {
    Result<std::vector<ManifestTask>> tasks = tasks_for_items(keep_task(), outcome(R"({"items": [
            {"key": "example.com", "name": "shown only", "params": {"domain_id": 12, "n": 5}},
            {"key": "b", "params": {}}]})"));
    ASSERT_TRUE(tasks.ok()) << tasks.error().text();
    ASSERT_EQ(tasks.value().size(), 2u);
    const ManifestTask& first = tasks.value()[0];
    EXPECT_EQ(first.name, "keep/example.com");
    EXPECT_EQ(first.task, "touch");
    EXPECT_EQ(first.account, "a");
    EXPECT_EQ(first.resend_interval, std::chrono::hours(2));
    EXPECT_EQ(first.file, "m.json");
    EXPECT_EQ(first.index, 0u);
    EXPECT_FALSE(first.for_each.has_value());
    EXPECT_EQ(first.params->getValue<int>("domain_id"), 12);
    EXPECT_EQ(first.params->getValue<int>("n"), 5) << "the item's params win";
    EXPECT_EQ(first.params->getValue<std::string>("label"), "x");
    EXPECT_EQ(first.params->getValue<std::string>("locale"), "en");
    EXPECT_FALSE(first.params->has("name"));
    EXPECT_EQ(tasks.value()[1].name, "keep/b");
    EXPECT_EQ(tasks.value()[1].params->getValue<int>("n"), 0);
    Result<std::vector<ManifestTask>> none =
        tasks_for_items(keep_task(), outcome(R"({"items": []})"));
    ASSERT_TRUE(none.ok());
    EXPECT_TRUE(none.value().empty());
}

TEST(ManifestForEachItems, UnusableItemsAreRefusedNamingTheTaskAndTheItem) {
    struct Case {
        std::string outcome;
        std::string problem;
    };
    const std::string ok = R"({"key": "a", "params": {}})";
    const std::vector<Case> cases = {
        {R"({"msg": "listed"})", "gave null as \"items\""},
        {R"({"items": {"a": 1}})", "gave an object as \"items\""},
        {R"({"items": [)" + ok + R"(, "b"]})",
         "gave items[1] that is a string, expected an object"},
        {R"({"items": [{"params": {}}]})", "gave items[0] without a \"key\""},
        {R"({"items": [{"key": 5, "params": {}}]})", "gave items[0] whose \"key\" is an integer"},
        {R"({"items": [{"key": "", "params": {}}]})", "gave items[0] whose \"key\" \"\" is empty"},
        {R"({"items": [{"key": ")" + std::string(201, 'k') + R"(", "params": {}}]})",
         "gave items[0] whose \"key\" \"kkkk"},
        {R"({"items": [{"key": "a\nb", "params": {}}]})",
         "gave items[0] whose \"key\" \"a?b\" is empty, longer than 200 characters or "
         "holds control characters"},
        {R"({"items": [{"key": "a"}]})", "gave items[0] without \"params\""},
        {R"({"items": [{"key": "a", "params": [1]}]})",
         "gave items[0] whose \"params\" is an array, expected an object"},
        {R"({"items": [)" + ok + "," + ok + "]}",
         "gave the key \"a\" twice (items[0] and items[1])"},
    };
    for (const Case& c : cases) {
        Result<std::vector<ManifestTask>> tasks = tasks_for_items(keep_task(), outcome(c.outcome));
        ASSERT_FALSE(tasks.ok()) << c.outcome;
        EXPECT_EQ(tasks.error().where, "m.json: task \"keep\": $.tasks[0].for_each") << c.outcome;
        EXPECT_NE(tasks.error().problem.find("the listing list " + c.problem), std::string::npos)
            << c.outcome << " -> " << tasks.error().text();
        EXPECT_NE(tasks.error().fix.find("\"key\""), std::string::npos);
    }
}

TEST(ManifestForEachItems, AKeyOf200CharactersIsFineAndMoreItemsThanAManifestMayHoldAreNot) {
    const std::string key(200, 'k');
    ASSERT_TRUE(tasks_for_items(keep_task(),
                                outcome(R"({"items": [{"key": ")" + key + R"(", "params": {}}]})"))
                    .ok());
    std::string items = R"({"items": [)";
    for (size_t i = 0; i <= kMaxManifestTasks; ++i) {
        items +=
            std::string(i ? "," : "") + R"({"key": "k)" + std::to_string(i) + R"(", "params": {}})";
    }
    Result<std::vector<ManifestTask>> many = tasks_for_items(keep_task(), outcome(items + "]}"));
    ASSERT_FALSE(many.ok());
    EXPECT_NE(
        many.error().problem.find("gave 10001 items, more than the 10000 one for_each may run"),
        std::string::npos)
        << many.error().text();
}

}  // namespace
}  // namespace taskhost
