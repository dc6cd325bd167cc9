// DaemonReadOnlyTask: a read-only task (test plugin "inventory") through a real daemon: POST
// /v1/tasks runs it like any task, but never skips it for a resend interval, never records it
// in the ledger, and reads for real when asked for a dry run; `taskhost run --socket` shows its
// items as the table its describe asks for; the manifest watch expands a for_each manifest.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <Poco/JSON/Array.h>

#include <chrono>
#include <thread>

#include "daemon_test_support.h"
#include "util/bounded_json.h"

namespace taskhost {
namespace {

using Poco::JSON::Object;
using taskhost_test::kCanaryKey;
using taskhost_test::parse_json;
using taskhost_test::ProcessResult;

const std::string kListing =
    R"({"task": "test.inventory.list", "params": {"count": 2}, "resend_interval": "1h"})";

class DaemonReadOnlyTask : public ::testing::Test {
  protected:
    // Starts the daemon; `watched`: with a manifests directory holding a for_each manifest.
    void start(bool watched = false) {
        taskhost_test::install_test_plugin(daemon_.plugin_dir(), "inventory");
        taskhost_test::DaemonOptions options;
        options.daemon_json = R"({"watch_plugin_dir": false})";
        if (watched) {
            taskhost_test::make_dir(daemon_.root() + "/manifests", 0755);
            taskhost_test::write_file(
                daemon_.root() + "/manifests/keep.json",
                R"({"version": 1, "tasks": [{"name": "keep", "task": "test.inventory.touch",
                    "for_each": {"task": "test.inventory.list", "params": {"count": 3}}}]})");
            options.daemon_json = R"({"watch_plugin_dir": false, "manifests_dir": ")" +
                                  daemon_.root() + R"(/manifests"})";
        }
        ASSERT_TRUE(daemon_.start(options)) << daemon_.process().err();
    }

    void TearDown() override {
        if (!HasFatalFailure()) {
            EXPECT_EQ(daemon_.stop().exit_code, 0);
        }
    }

    Object::Ptr posted(const std::string& body, int http_status = 200) {
        const DaemonAnswer answer = daemon_.post_task(body);
        EXPECT_EQ(answer.http_status, http_status) << answer.body;
        EXPECT_EQ(answer.body.find(kCanaryKey), std::string::npos);
        return parse_json(answer.body);
    }

    size_t history_rows() {
        const DaemonAnswer answer = daemon_.get("/v1/history");
        EXPECT_EQ(answer.http_status, 200) << answer.body;
        return parse_json(answer.body)->getArray("history")->size();
    }

    taskhost_test::DaemonUnderTest daemon_;
};

TEST_F(DaemonReadOnlyTask, PostRunsItEveryTimeAndNeverRecordsIt) {
    start();
    for (int i = 0; i < 2; ++i) {
        const Object::Ptr outcome = posted(kListing);
        EXPECT_EQ(outcome->getValue<std::string>("status"), "succeeded") << "post " << i;
        EXPECT_FALSE(outcome->has("reason")) << "post " << i;
        EXPECT_EQ(outcome->getArray("items")->size(), 2u);
        EXPECT_TRUE(outcome->getObject("summary")->getValue<bool>("paced"));
    }
    const Object::Ptr dry = posted(R"({"task": "test.inventory.list", "dry_run": true})");
    EXPECT_EQ(dry->getValue<std::string>("status"), "succeeded");
    EXPECT_FALSE(dry->getObject("summary")->getValue<bool>("dry_run"));
    EXPECT_EQ(history_rows(), 0u) << "a read-only task was recorded";

    // A changing task posted the same way is recorded, and held by its interval.
    const std::string touch =
        R"({"task": "test.inventory.touch", "params": {"item": "z"}, "resend_interval": "1h"})";
    EXPECT_EQ(posted(touch)->getValue<std::string>("status"), "succeeded");
    EXPECT_EQ(posted(touch)->getValue<std::string>("reason"), "within_interval");
    EXPECT_EQ(history_rows(), 2u);
}

TEST_F(DaemonReadOnlyTask, RunThroughTheSocketShowsTheDescribedTable) {
    start();
    ProcessResult table =
        taskhost_test::run_taskhost({"run", "test.inventory.list", "count=2", "--format", "table",
                                     "--socket", daemon_.socket_path()});
    ASSERT_EQ(table.exit_code, 0) << table.out << table.err;
    EXPECT_EQ(table.out.rfind("NAME    SIZE  PHASE\n"
                              "item-1  1     ready\n"
                              "item-2  2     pending\n\n"
                              "count: 2\n",
                              0),
              0u)
        << table.out;
    ProcessResult piped = taskhost_test::run_taskhost(
        {"run", "test.inventory.list", "count=2", "--socket", daemon_.socket_path()});
    ASSERT_EQ(piped.exit_code, 0) << piped.err;
    EXPECT_EQ(parse_json(piped.out)->getArray("items")->size(), 2u);
}

TEST_F(DaemonReadOnlyTask, TheManifestWatchAppliesOneTaskPerListedItem) {
    start(true);
    Object::Ptr apply;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!apply && std::chrono::steady_clock::now() < deadline) {
        const DaemonAnswer answer = daemon_.get("/v1/manifests");
        const Object::Ptr files = parse_json(answer.body)->getObject("files");
        const Object::Ptr file =
            files ? files->getObject(daemon_.root() + "/manifests/keep.json") : nullptr;
        apply = file ? file->getObject("apply") : nullptr;
        if (!apply) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    }
    ASSERT_TRUE(apply) << "the watch did not apply the manifest";
    EXPECT_EQ(apply->getObject("summary")->getValue<int>("sent"), 3) << taskhost::to_json(apply);
    const Poco::JSON::Array::Ptr results = apply->getArray("results");
    ASSERT_EQ(results->size(), 3u);
    std::vector<std::string> names;
    for (size_t i = 0; i < results->size(); ++i) {
        names.push_back(results->getObject(i)->getValue<std::string>("name"));
    }
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, (std::vector<std::string>{"keep/item-1", "keep/item-2", "keep/item-3"}));
}

}  // namespace
}  // namespace taskhost
