// CommandStartup: the one start-up every command shares reads the config, loads plugin_dir
// only when asked, and notes refusals on stderr only when the command does not list them.
#include <gtest/gtest.h>

#include <sstream>

#include "cli/command_startup.h"
#include "host_test_support.h"

namespace taskhost {
namespace {

using taskhost_test::HostFixture;
using taskhost_test::install_test_plugin;

class CommandStartupTest : public ::testing::Test {
  protected:
    CommandStartupTest() {
        install_test_plugin(host_.plugin_dir(), "echo_v1");
        install_test_plugin(host_.plugin_dir(), "abi_v2");
        host_.write_config(R"({"sandbox": {"base_url": "https://localhost:1/services/v2",
                                          "api_key_env": "TASKHOST_TEST_KEY"}})");
    }

    HostFixture host_;
    std::ostringstream err_;
};

TEST_F(CommandStartupTest, PluginsAreLoadedAndRefusalsNotedOnStderr) {
    Result<std::unique_ptr<CommandStartup>> started =
        start_command(host_.config_path(), Startup::kPlugins, err_);
    ASSERT_TRUE(started.ok()) << started.error().text();
    EXPECT_EQ(started.value()->config.path, host_.config_path());
    EXPECT_TRUE(started.value()->catalog.find_task("test.echo").has_value());
    ASSERT_EQ(started.value()->catalog.refusals().size(), 1u);
    EXPECT_EQ(
        err_.str().rfind("taskhost: refused plugin file " + host_.plugin_dir() + "/abi_v2.so", 0),
        0u)
        << err_.str();
}

TEST_F(CommandStartupTest, ACommandThatListsRefusalsItselfGetsThemQuietly) {
    Result<std::unique_ptr<CommandStartup>> started =
        start_command(host_.config_path(), Startup::kPluginsListingRefusals, err_);
    ASSERT_TRUE(started.ok()) << started.error().text();
    EXPECT_EQ(started.value()->catalog.refusals().size(), 1u);
    EXPECT_EQ(err_.str(), "");
}

TEST_F(CommandStartupTest, ConfigOnlyLoadsNoPlugin) {
    Result<std::unique_ptr<CommandStartup>> started =
        start_command(host_.config_path(), Startup::kConfigOnly, err_);
    ASSERT_TRUE(started.ok()) << started.error().text();
    EXPECT_EQ(started.value()->config.plugin_dir, host_.plugin_dir());
    EXPECT_TRUE(started.value()->catalog.plugins().empty());
    EXPECT_EQ(started.value()->library.private_dir(), "");
    EXPECT_EQ(err_.str(), "");
}

TEST_F(CommandStartupTest, AConfigOrPluginDirErrorIsReturnedForTheCommandToReport) {
    Result<std::unique_ptr<CommandStartup>> missing =
        start_command(host_.root() + "/none.json", Startup::kPlugins, err_);
    ASSERT_FALSE(missing.ok());
    EXPECT_NE(missing.error().where.find("none.json"), std::string::npos) << missing.error().text();

    taskhost_test::write_file(host_.config_path(),
                              R"({"plugin_dir": "no-such-dir", "accounts": {}})");
    Result<std::unique_ptr<CommandStartup>> no_dir =
        start_command(host_.config_path(), Startup::kPlugins, err_);
    ASSERT_FALSE(no_dir.ok());
    EXPECT_NE(no_dir.error().text().find("no-such-dir"), std::string::npos)
        << no_dir.error().text();
    EXPECT_EQ(err_.str(), "");
}

}  // namespace
}  // namespace taskhost
