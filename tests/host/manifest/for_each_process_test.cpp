// ManifestForEach: manifests whose tasks come from a read-only listing, through the built
// `taskhost plan` and `taskhost apply` with the test plugin "inventory"
// (tests/host/test_plugins/listing_plugin.c): the listing runs once and for real, each item
// becomes a task "<name>/<key>" that is planned, applied, journaled and counted like one written
// by hand, and a listing that fails or lists nothing stands as one line.
#include <gtest/gtest.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include "host_test_support.h"

namespace taskhost {
namespace {

using Poco::JSON::Object;
using taskhost_test::by_name;
using taskhost_test::HostFixture;
using taskhost_test::install_test_plugin;
using taskhost_test::json_lines;
using taskhost_test::kCanaryKey;
using taskhost_test::ProcessResult;
using taskhost_test::run_taskhost;
using taskhost_test::summary_of;
using taskhost_test::write_file;

// Lists count items (item-1 ...) and touches each; the template's "label" is every item's.
const std::string kKeep =
    R"({"name": "keep", "task": "test.inventory.touch", "params": {"label": "x"},
        "for_each": {"task": "test.inventory.list", "params": {"count": 3}}})";

class ManifestForEach : public ::testing::Test {
  protected:
    ManifestForEach() {
        install_test_plugin(host_.plugin_dir(), "inventory");
        host_.write_config(R"({"inv": {"api_key_env": "TASKHOST_TEST_KEY"}})");
    }

    // Writes m.json with `tasks` (JSON objects, comma separated) and a 1h interval.
    void manifest(const std::string& tasks) {
        write_file(
            host_.root() + "/m.json",
            R"({"version": 1, "defaults": {"resend_interval": "1h"}, "tasks": [)" + tasks + "]}");
    }

    ProcessResult taskhost(const std::vector<std::string>& args) {
        return taskhost_test::run_taskhost_with_key(args, host_.config_path());
    }

    ProcessResult plan(const std::vector<std::string>& flags = {"--json"}) {
        std::vector<std::string> args = {"plan", host_.root() + "/m.json"};
        args.insert(args.end(), flags.begin(), flags.end());
        return taskhost(args);
    }

    ProcessResult apply(const std::vector<std::string>& flags = {"--json"}) {
        std::vector<std::string> args = {"apply", host_.root() + "/m.json"};
        args.insert(args.end(), flags.begin(), flags.end());
        return taskhost(args);
    }

    // The task ids (manifest task names) of the ledger's history rows.
    std::vector<std::string> history_names() {
        const ProcessResult r = taskhost({"history", "--json"});
        EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
        std::vector<std::string> names;
        const Poco::JSON::Array::Ptr rows =
            Poco::JSON::Parser().parse(r.out).extract<Object::Ptr>()->getArray("history");
        for (size_t i = 0; rows && i < rows->size(); ++i) {
            names.push_back(rows->getObject(i)->getValue<std::string>("task_id"));
        }
        std::sort(names.begin(), names.end());
        return names;
    }

    static size_t count_of(const Object::Ptr& summary, const std::string& field) {
        return summary ? summary->getValue<size_t>(field) : 999;
    }

    HostFixture host_;
};

TEST_F(ManifestForEach, PlanListsForRealAndPlansOneTaskPerItemWithoutWritingTheLedger) {
    manifest(kKeep);
    const ProcessResult r = plan();
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    const auto results = by_name(r.out);
    ASSERT_EQ(results.size(), 3u) << r.out;
    for (const std::string n : {"1", "2", "3"}) {
        const Object::Ptr line = results.at("keep/item-" + n);
        EXPECT_EQ(line->getValue<std::string>("status"), "planned") << r.out;
        EXPECT_TRUE(line->getValue<bool>("changed"));
        EXPECT_EQ(line->getValue<std::string>("task"), "test.inventory.touch");
        const Object::Ptr params = line->getObject("outcome")->getObject("params");
        EXPECT_EQ(params->getValue<std::string>("item"), "item-" + n);
        EXPECT_EQ(params->getValue<int>("n"), std::stoi(n));
        EXPECT_EQ(params->getValue<std::string>("label"), "x");
    }
    EXPECT_EQ(count_of(summary_of(r.out), "would_send"), 3u) << r.out;
    EXPECT_EQ(count_of(summary_of(r.out), "tasks"), 3u);
    EXPECT_TRUE(history_names().empty()) << "plan wrote the ledger";

    const ProcessResult human = plan({});
    ASSERT_EQ(human.exit_code, 0) << human.err;
    EXPECT_NE(human.out.find("send      " + host_.root() +
                             "/m.json: keep/item-2: would send: "
                             "touched item-2"),
              std::string::npos)
        << human.out;
}

TEST_F(ManifestForEach, ApplyJournalsEachItemUnderItsOwnNameAndASecondApplySendsNothing) {
    manifest(kKeep + R"(, {"name": "plain", "task": "test.inventory.touch",
                           "params": {"item": "solo"}})");
    const ProcessResult first = apply();
    ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
    const auto sent = by_name(first.out);
    ASSERT_EQ(sent.size(), 4u) << first.out;
    for (const auto& [name, line] : sent) {
        EXPECT_EQ(line->getValue<std::string>("status"), "succeeded") << name << first.out;
        EXPECT_EQ(line->getValue<std::string>("reason"), "never_sent") << name;
    }
    EXPECT_EQ(count_of(summary_of(first.out), "sent"), 4u) << first.out;
    EXPECT_EQ(history_names(),
              (std::vector<std::string>{"keep/item-1", "keep/item-2", "keep/item-3", "plain"}))
        << "the listing is never journaled; each item is, under its own name";

    const ProcessResult second = apply();
    ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
    const auto again = by_name(second.out);
    ASSERT_EQ(again.size(), 4u) << second.out;
    for (const auto& [name, line] : again) {
        EXPECT_EQ(line->getValue<std::string>("status"), "skipped") << name << second.out;
        EXPECT_EQ(line->getValue<std::string>("reason"), "within_interval") << name;
    }
    EXPECT_EQ(count_of(summary_of(second.out), "sent"), 0u) << second.out;
    EXPECT_EQ(count_of(summary_of(second.out), "unchanged"), 4u) << second.out;
}

TEST_F(ManifestForEach, AFailingListingIsOneFailedLineAndTheOtherTasksStillRun) {
    manifest(R"({"name": "broken", "task": "test.inventory.touch",
                 "for_each": {"task": "test.inventory.list", "params": {"fail": true}}},
                {"name": "plain", "task": "test.inventory.touch", "params": {"item": "solo"}})");
    const ProcessResult r = apply();
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    const auto results = by_name(r.out);
    ASSERT_EQ(results.size(), 2u) << r.out;
    const Object::Ptr broken = results.at("broken");
    EXPECT_EQ(broken->getValue<std::string>("status"), "failed");
    EXPECT_TRUE(broken->getValue<bool>("failed"));
    EXPECT_EQ(broken->getValue<std::string>("reason"), "listing_failed");
    EXPECT_NE(broken->getValue<std::string>("msg").find(
                  "the listing test.inventory.list failed: inventory unreachable"),
              std::string::npos)
        << r.out;
    EXPECT_EQ(results.at("plain")->getValue<std::string>("status"), "succeeded");
    EXPECT_EQ(count_of(summary_of(r.out), "failed"), 1u);
    EXPECT_EQ(history_names(), std::vector<std::string>{"plain"});
}

TEST_F(ManifestForEach, StrictCountsAFailedListingAsAProblemAndRunsNothing) {
    manifest(kKeep + R"(, {"name": "broken", "task": "test.inventory.touch",
                           "for_each": {"task": "test.inventory.list", "params": {"fail": true}}})");
    const ProcessResult r = apply({"--json", "--strict"});
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_TRUE(summary_of(r.out)->getValue<bool>("strict_refused")) << r.out;
    EXPECT_EQ(count_of(summary_of(r.out), "sent"), 0u);
    EXPECT_EQ(by_name(r.out).at("keep/item-1")->getValue<std::string>("reason"), "not_run")
        << r.out;
    EXPECT_TRUE(history_names().empty()) << "--strict sent something";
}

TEST_F(ManifestForEach, ZeroItemsIsOneUnchangedLineSayingSo) {
    manifest(R"({"name": "none", "task": "test.inventory.touch",
                 "for_each": {"task": "test.inventory.list", "params": {"count": 0}}})");
    for (const bool applying : {false, true}) {
        const ProcessResult r = applying ? apply() : plan();
        EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
        const auto results = by_name(r.out);
        ASSERT_EQ(results.size(), 1u) << r.out;
        const Object::Ptr none = results.at("none");
        EXPECT_EQ(none->getValue<std::string>("status"), "skipped");
        EXPECT_FALSE(none->getValue<bool>("changed"));
        EXPECT_FALSE(none->getValue<bool>("failed"));
        EXPECT_EQ(none->getValue<std::string>("reason"), "no_items");
        EXPECT_EQ(none->getValue<std::string>("msg"), "for_each listed no items; nothing to do");
        EXPECT_EQ(count_of(summary_of(r.out), "unchanged"), 1u) << r.out;
    }
}

TEST_F(ManifestForEach, UnusableItemsAreOneInvalidLineNamingTheItemAndNothingOfItRuns) {
    for (const std::string bad : {"no_key", "dup_key", "no_params"}) {
        manifest(R"({"name": "bad", "task": "test.inventory.touch",
                     "for_each": {"task": "test.inventory.list", "params": {"bad": ")" +
                 bad + R"("}}})");
        const ProcessResult r = apply();
        EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
        const auto results = by_name(r.out);
        ASSERT_EQ(results.size(), 1u) << bad << r.out;
        const Object::Ptr line = results.at("bad");
        EXPECT_TRUE(line->getValue<bool>("failed"));
        EXPECT_EQ(line->getValue<std::string>("reason"), "invalid");
        EXPECT_NE(line->getValue<std::string>("msg").find("$.tasks[0].for_each: the listing "
                                                          "test.inventory.list gave"),
                  std::string::npos)
            << r.out;
        EXPECT_NE(line->getValue<std::string>("msg").find("items[1]"), std::string::npos) << r.out;
    }
    EXPECT_TRUE(history_names().empty());
}

TEST_F(ManifestForEach, AListingThatSaysItIsIncompleteRunsNothing) {
    manifest(R"({"name": "part", "task": "test.inventory.touch",
                 "for_each": {"task": "test.inventory.list", "params": {"bad": "incomplete"}}})");
    const ProcessResult r = apply();
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    const auto results = by_name(r.out);
    ASSERT_EQ(results.size(), 1u) << r.out;
    EXPECT_NE(
        results.at("part")->getValue<std::string>("msg").find("says its items are incomplete"),
        std::string::npos)
        << r.out;
    EXPECT_TRUE(history_names().empty());
}

TEST_F(ManifestForEach, TheListingTaskMustExistBeReadOnlyAndTakeItsParams) {
    struct Case {
        std::string for_each;
        std::string problem;
    };
    const std::vector<Case> cases = {
        {R"({"task": "test.inventory.touch"})",
         "$.tasks[0].for_each.task: \"test.inventory.touch\" is not a read-only task"},
        {R"({"task": "test.nope"})", "$.tasks[0].for_each.task: \"test.nope\" is not offered"},
        {R"({"task": "test.inventory.list", "params": {"cont": 2}})",
         "$.tasks[0].for_each.params.cont: is not a param of task test.inventory.list"},
        {R"({"task": "test.inventory.list", "account": "other"})",
         "$.tasks[0].for_each.account: \"other\" is not an account"},
    };
    for (const Case& c : cases) {
        manifest(R"({"name": "keep", "task": "test.inventory.touch", "for_each": )" + c.for_each +
                 "}");
        const ProcessResult r = plan();
        EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
        const auto results = by_name(r.out);
        ASSERT_EQ(results.size(), 1u) << r.out;
        EXPECT_EQ(results.at("keep")->getValue<std::string>("reason"), "invalid");
        EXPECT_NE(results.at("keep")->getValue<std::string>("msg").find(c.problem),
                  std::string::npos)
            << c.for_each << " -> " << r.out;
    }
}

TEST_F(ManifestForEach, EachListedTaskIsCheckedAgainstItsTasksSchemaUnderItsOwnName) {
    // The template leaves out "item", which the touch task requires: the items give it. The
    // touch task takes n up to 100, so item 101 is refused, and only it.
    manifest(R"({"name": "keep", "task": "test.inventory.touch",
                 "for_each": {"task": "test.inventory.list", "params": {"count": 101}}},
                {"name": "typo", "task": "test.inventory.touch", "params": {"lable": "x"},
                 "for_each": {"task": "test.inventory.list"}})");
    const ProcessResult r = plan();
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    const auto results = by_name(r.out);
    ASSERT_EQ(results.size(), 102u) << r.out;
    EXPECT_EQ(results.at("keep/item-100")->getValue<std::string>("status"), "planned");
    const Object::Ptr refused = results.at("keep/item-101");
    EXPECT_EQ(refused->getValue<std::string>("reason"), "invalid");
    EXPECT_NE(
        refused->getValue<std::string>("msg").find("task \"keep/item-101\": $.tasks[0].params.n"),
        std::string::npos)
        << refused->getValue<std::string>("msg");
    // A template param the task does not know is refused once, before its listing runs.
    EXPECT_NE(results.at("typo")->getValue<std::string>("msg").find(
                  "$.tasks[1].params.lable: is not a param of task test.inventory.touch"),
              std::string::npos)
        << results.at("typo")->getValue<std::string>("msg");
}

TEST_F(ManifestForEach, AListedTaskLikeAHandWrittenOneIsADuplicateNotSentTwice) {
    manifest(kKeep + R"(, {"name": "by-hand", "task": "test.inventory.touch",
                           "params": {"item": "item-2", "n": 2, "label": "x"}})");
    const ProcessResult r = apply();
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    const auto results = by_name(r.out);
    ASSERT_EQ(results.size(), 4u) << r.out;
    EXPECT_EQ(results.at("by-hand")->getValue<std::string>("reason"), "duplicate") << r.out;
    EXPECT_EQ(count_of(summary_of(r.out), "sent"), 3u);
}

TEST_F(ManifestForEach, AReadOnlyTaskWrittenAsATaskReadsEveryTimeAndChangesNothing) {
    manifest(R"({"name": "look", "task": "test.inventory.list", "params": {"count": 1}})");
    for (const bool applying : {false, true, true}) {
        const ProcessResult r = applying ? apply() : plan();
        ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
        const Object::Ptr look = by_name(r.out).at("look");
        EXPECT_EQ(look->getValue<std::string>("status"), "succeeded") << r.out;
        EXPECT_FALSE(look->getValue<bool>("changed")) << r.out;
        EXPECT_EQ(look->getObject("outcome")->getArray("items")->size(), 1u) << r.out;
        EXPECT_EQ(count_of(summary_of(r.out), "unchanged"), 1u) << r.out;
    }
    EXPECT_TRUE(history_names().empty());
}

}  // namespace
}  // namespace taskhost
