// CliReadOnlyRun: a read-only task (test plugin "inventory", tests/host/test_plugins/
// listing_plugin.c) through the built `taskhost run`: JSON when piped, a table with
// --format table, run for real under --check, paced, never skipped by a resend interval and never
// written to the ledger, where a changing task run the same way is.
#include <gtest/gtest.h>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include "host_test_support.h"
#include "inventory_host.h"

namespace taskhost {
namespace {

using Poco::JSON::Object;
using taskhost_test::ProcessResult;
using taskhost_test::write_file;

using CliReadOnlyRun = InventoryHost;

TEST_F(CliReadOnlyRun, PipedItPrintsTheOutcomeAsOneLineOfJson) {
    const ProcessResult r = run({"run", "test.inventory.list", "count=2"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    const Object::Ptr outcome = one_json_line(r.out);
    EXPECT_EQ(outcome->getArray("items")->size(), 2u);
    EXPECT_EQ(outcome->getObject("summary")->getValue<int>("count"), 2);
    const ProcessResult forced = run({"run", "test.inventory.list", "count=2", "--format", "json"});
    ASSERT_EQ(forced.exit_code, 0) << forced.err;
    EXPECT_EQ(one_json_line(forced.out)->getArray("items")->size(), 2u);
}

TEST_F(CliReadOnlyRun, FormatTablePrintsItsItemsSummaryAndMsg) {
    const ProcessResult r = run({"run", "test.inventory.list", "count=3", "--format", "table"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(r.out,
              "NAME    SIZE  PHASE\n"
              "item-1  1     ready\n"
              "item-2  2     pending\n"
              "item-3  3     ready\n"
              "\n"
              "count: 3\n"
              "dry_run: false\n"
              "paced: true\n"
              "turn: true\n"
              "listed 3 items\n");
    // An outcome without items has no table: it prints as JSON.
    const ProcessResult plain = run({"run", "test.inventory.touch", "item=a", "--format=table"});
    ASSERT_EQ(plain.exit_code, 0) << plain.err;
    EXPECT_EQ(one_json_line(plain.out)->getValue<std::string>("msg"), "touched a");
    const ProcessResult bad = run({"run", "test.inventory.list", "--format", "yaml"});
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.err.find("--format: \"yaml\" is not a format; fix: write --format table, "
                           "--format json or --format salt"),
              std::string::npos)
        << bad.err;
}

TEST_F(CliReadOnlyRun, CheckRunsItForRealWithDryRunFalse) {
    // The plugin fails a listing asked for a dry run, and says in its summary what it got.
    const ProcessResult r = run({"run", "test.inventory.list", "--check"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    const Object::Ptr outcome = one_json_line(r.out);
    EXPECT_EQ(outcome->getValue<std::string>("status"), "succeeded") << r.out;
    EXPECT_FALSE(outcome->getObject("summary")->getValue<bool>("dry_run"));
    EXPECT_EQ(outcome->getArray("items")->size(), 3u);
    // A changing task under --check is still a dry run.
    const ProcessResult touch = run({"run", "test.inventory.touch", "item=a", "--check"});
    ASSERT_EQ(touch.exit_code, 0) << touch.err;
    EXPECT_EQ(one_json_line(touch.out)->getValue<std::string>("status"), "planned");
}

TEST_F(CliReadOnlyRun, ItIsPacedByTheHost) {
    const ProcessResult r = run({"run", "test.inventory.list"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const Object::Ptr summary = one_json_line(r.out)->getObject("summary");
    EXPECT_TRUE(summary->getValue<bool>("paced"));
    EXPECT_TRUE(summary->getValue<bool>("turn"));
}

TEST_F(CliReadOnlyRun, RunTwiceWithinAnIntervalItIsNeverSkippedAndLeavesNoJournal) {
    write_file(host_.root() + "/list.json",
               R"({"task": "test.inventory.list", "params": {"count": 1},
                   "resend_interval": "1h"})");
    for (int i = 0; i < 2; ++i) {
        const ProcessResult r = run({"run", "--spec", host_.root() + "/list.json"});
        ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
        const Object::Ptr outcome = one_json_line(r.out);
        EXPECT_EQ(outcome->getValue<std::string>("status"), "succeeded") << "run " << i << r.out;
        EXPECT_FALSE(outcome->has("reason")) << r.out;
        EXPECT_EQ(outcome->getArray("items")->size(), 1u) << r.out;
    }
    EXPECT_EQ(history()->size(), 0u) << "a read-only task was written to the ledger";

    // The same twice with a changing task: the ledger records it and the interval holds it.
    write_file(host_.root() + "/touch.json",
               R"({"task": "test.inventory.touch", "params": {"item": "a"},
                   "resend_interval": "1h"})");
    ASSERT_EQ(run({"run", "--spec", host_.root() + "/touch.json"}).exit_code, 0);
    const ProcessResult again = run({"run", "--spec", host_.root() + "/touch.json"});
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(one_json_line(again.out)->getValue<std::string>("reason"), "within_interval");
    EXPECT_EQ(history()->size(), 2u);
}

TEST_F(CliReadOnlyRun, PluginsMarksItReadOnly) {
    const ProcessResult text = run({"plugins"});
    ASSERT_EQ(text.exit_code, 0) << text.err;
    EXPECT_NE(text.out.find("task    test.inventory.list [read-only]: Lists test items"),
              std::string::npos)
        << text.out;
    EXPECT_NE(text.out.find("task    test.inventory.touch [--check]: Touches"), std::string::npos)
        << text.out;
    const ProcessResult json = run({"plugins", "--json"});
    ASSERT_EQ(json.exit_code, 0) << json.err;
    const Object::Ptr describe =
        one_json_line(json.out)->getArray("plugins")->getObject(0)->getObject("describe");
    EXPECT_TRUE(describe->getArray("tasks")->getObject(0)->getValue<bool>("read_only"));
}

TEST_F(CliReadOnlyRun, HelpSaysHowReadOnlyTasksAndFormatBehave) {
    const ProcessResult r = run({"run", "--help"});
    ASSERT_EQ(r.exit_code, 0);
    EXPECT_NE(r.out.find("--format table|json"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("runs them for real, with dry_run false"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace taskhost
