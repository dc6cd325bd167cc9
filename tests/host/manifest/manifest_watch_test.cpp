// ManifestWatch: the engine the daemon drives for a manifests directory. In process: the real
// plugin loaded with dlopen, the sandbox over real TLS, the host pacer; files are written the
// way operators deploy them (temp file, then rename).
#include <gtest/gtest.h>

#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <thread>

#include "config/host_config.h"
#include "dcv_sandbox_support.h"
#include "ledger/open_ledger.h"
#include "manifest/manifest_watch.h"
#include "plugins/plugin_catalog.h"
#include "sandbox_server.h"
#include "util/bounded_json.h"

namespace taskhost {
namespace {

using Poco::JSON::Object;
using taskhost_test::host_config_json;
using taskhost_test::kCanaryKey;
using taskhost_test::sandbox_accounts;

std::string one_task(const std::string& name, int64_t id) {
    return R"({"version": 1, "tasks": [{"name": ")" + name +
           R"(", "task": "digicert.dcv.resend", "params": {"domain_id": )" + std::to_string(id) +
           "}}]}";
}

class ManifestWatchTest : public taskhost_test::DcvSandboxHostTest {
  protected:
    void SetUp() override {
        DcvSandboxHostTest::SetUp();
        taskhost_test::make_dir(dir(), 0755);
        ::setenv("TASKHOST_WATCH_TEST_KEY", kCanaryKey, 1);
        Result<HostConfig> config = parse_host_config(
            host_config_json(sandbox_accounts(*server_, "TASKHOST_WATCH_TEST_KEY"), "state"),
            host_.config_path());
        ASSERT_TRUE(config.ok()) << config.error().text();
        config_ = std::make_unique<HostConfig>(config.value());
        Result<OpenedLedger> ledger = open_ledger(*config_, "", LedgerAccess::kReadWrite);
        ASSERT_TRUE(ledger.ok()) << ledger.error().text();
        ledger_ = std::move(ledger.value().ledger);
        Result<PluginCatalog> catalog = PluginCatalog::scan(config_->plugin_dir, library_);
        ASSERT_TRUE(catalog.ok()) << catalog.error().text();
        catalog_ = std::make_shared<PluginCatalog>(std::move(catalog.value()));
    }

    std::string dir() const { return host_.root() + "/manifests"; }

    void deploy(const std::string& name, const std::string& text) {
        taskhost_test::write_file(dir() + "/." + name + ".tmp", text);
        std::filesystem::rename(dir() + "/." + name + ".tmp", dir() + "/" + name);
    }

    // Polls until `runs` runs are done; the bound only keeps a broken watch from hanging.
    Object::Ptr status_after(ManifestWatch& watch, uint64_t runs) {
        const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        Object::Ptr status = watch.status();
        while (status->getValue<uint64_t>("runs") < runs &&
               std::chrono::steady_clock::now() < give_up) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            status = watch.status();
        }
        return status;
    }

    static Object::Ptr summary(const Object::Ptr& status, const std::string& file,
                               const std::string& which) {
        return status->getObject("files")->getObject(file)->getObject(which)->getObject("summary");
    }

    PluginLibrary library_;
    std::unique_ptr<HostConfig> config_;
    std::shared_ptr<const PluginCatalog> catalog_;
    std::unique_ptr<Ledger> ledger_;
    HostPacer pacer_;
};

TEST_F(ManifestWatchTest, AppliesOnStartAndOnEveryChangeAndKeepsThePlanAndApplyPerFile) {
    deploy("a.json", one_task("example-com", 1234567));
    ManifestWatchSettings settings;
    settings.directory = dir();
    settings.settle = std::chrono::milliseconds(100);
    ManifestWatch watch(
        *config_, [this] { return catalog_; }, pacer_, *ledger_, settings);
    ASSERT_FALSE(watch.start().has_value());

    Object::Ptr status = status_after(watch, 1);
    ASSERT_EQ(status->getValue<uint64_t>("runs"), 1u);
    const std::string a = dir() + "/a.json";
    ASSERT_TRUE(status->getObject("files")->has(a)) << to_json(status);
    EXPECT_EQ(summary(status, a, "plan")->getValue<int>("would_send"), 1);
    EXPECT_EQ(summary(status, a, "apply")->getValue<int>("sent"), 1);
    EXPECT_EQ(server_->accepted_resends().size(), 1u);

    deploy("b.json", one_task("shop", 2345678));
    status = status_after(watch, 2);
    ASSERT_GE(status->getValue<uint64_t>("runs"), 2u);
    ASSERT_TRUE(status->getObject("files")->has(dir() + "/b.json")) << to_json(status);
    // a.json was sent in the first run: within its interval now, not sent again.
    EXPECT_EQ(summary(status, a, "apply")->getValue<int>("sent"), 0);
    EXPECT_EQ(summary(status, a, "apply")->getValue<int>("unchanged"), 1);
    EXPECT_EQ(summary(status, dir() + "/b.json", "apply")->getValue<int>("sent"), 1);
    ASSERT_EQ(server_->accepted_resends().size(), 2u);
    EXPECT_EQ(server_->accepted_resends()[1].domain_id, 2345678);
    EXPECT_EQ(to_json(status).find(kCanaryKey), std::string::npos);
}

TEST_F(ManifestWatchTest, AMissingDirectoryIsAClearError) {
    ManifestWatchSettings settings;
    settings.directory = dir() + "/nope";
    ManifestWatch watch(
        *config_, [this] { return catalog_; }, pacer_, *ledger_, settings);
    const Check error = watch.start();
    ASSERT_TRUE(error.has_value());
    EXPECT_NE(error->text().find("cannot be watched"), std::string::npos) << error->text();
}

}  // namespace
}  // namespace taskhost
