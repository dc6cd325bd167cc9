// DaemonClientCli: `taskhost run --socket`, `plugins --socket` and `reload` as a user runs
// them (the built binary, a real daemon): the same stdout and exit codes as in-process runs,
// and a clear error when no daemon is there.
#include <gtest/gtest.h>

#include <Poco/JSON/Array.h>

#include "daemon_test_support.h"

namespace taskhost {
namespace {

using taskhost_test::DaemonServingVersioned;
using taskhost_test::install_plugin_atomically;
using taskhost_test::kCanaryKey;
using taskhost_test::parse_json;
using taskhost_test::ProcessResult;

class DaemonClientCli : public DaemonServingVersioned {
  protected:
    // The client gets no key: the daemon resolves it.
    ProcessResult client(std::vector<std::string> args, const std::string& stdin_text = "") {
        args.push_back("--socket");
        args.push_back(daemon_.socket_path());
        ProcessResult r = taskhost_test::run_taskhost(args, {}, stdin_text);
        EXPECT_EQ(r.out.find(kCanaryKey), std::string::npos);
        EXPECT_EQ(r.err.find(kCanaryKey), std::string::npos);
        return r;
    }
    ProcessResult in_process(std::vector<std::string> args) {
        args.push_back("--config");
        args.push_back(daemon_.config_path());
        return taskhost_test::run_taskhost(args, {{"TASKHOST_TEST_KEY", kCanaryKey}});
    }
};

TEST_F(DaemonClientCli, RunThroughTheDaemonPrintsTheOutcomeWithTheSameExitCodes) {
    const ProcessResult ok = client({"run", "test.versioned", "label=x", "--id", "cli-1"});
    ASSERT_EQ(ok.exit_code, 0) << ok.err;
    const auto outcome = parse_json(ok.out);
    EXPECT_EQ(outcome->getValue<std::string>("id"), "cli-1");
    EXPECT_EQ(outcome->getValue<std::string>("plugin_version"), "1.0.0");
    EXPECT_TRUE(outcome->getValue<bool>("had_key"));

    EXPECT_EQ(client({"run", "test.versioned", "fail=true"}).exit_code, 1);
    EXPECT_EQ(client({"run", "test.versioned", "--detailed-exitcodes"}).exit_code, 2);
    EXPECT_EQ(client({"run", "test.versioned", "fail=true", "--detailed-exitcodes"}).exit_code, 4);
    // A dry run that would send is a change (Puppet's noop): 2.
    EXPECT_EQ(client({"run", "test.versioned", "--check", "--detailed-exitcodes"}).exit_code, 2);
    const ProcessResult spec =
        client({"run", "--spec", "-"}, R"({"task": "test.versioned", "params": {"label": "y"}})");
    EXPECT_EQ(spec.exit_code, 0) << spec.err;
}

TEST_F(DaemonClientCli, UsageErrorsMatchAnInProcessRun) {
    for (const std::vector<std::string>& args :
         std::vector<std::vector<std::string>>{{"run", "test.nope"},
                                               {"run", "test.versioned", "sleep_ms=soon"},
                                               {"run", "test.versioned", "--account", "nobody"}}) {
        const ProcessResult remote = client(args);
        const ProcessResult local = in_process(args);
        EXPECT_EQ(remote.exit_code, 2) << remote.err;
        EXPECT_EQ(remote.exit_code, local.exit_code);
        EXPECT_EQ(remote.out, local.out) << "stdout differs for " << args[1];
        EXPECT_EQ(remote.err, local.err) << "stderr differs for " << args[1];
    }
}

TEST_F(DaemonClientCli, PluginsAndReloadAskTheDaemon) {
    const ProcessResult listing = client({"plugins", "--json"});
    ASSERT_EQ(listing.exit_code, 0) << listing.err;
    const auto plugins = parse_json(listing.out)->getArray("plugins");
    ASSERT_EQ(plugins->size(), 1u);
    EXPECT_TRUE(plugins->getObject(0)->has("generation"));
    const ProcessResult text = client({"plugins"});
    EXPECT_NE(text.out.find("plugin versioned 1.0.0 (ABI 1)"), std::string::npos) << text.out;

    install_plugin_atomically(daemon_.plugin_dir(), "versioned_v2", "versioned.so");
    const ProcessResult reloaded = client({"reload"});
    EXPECT_EQ(reloaded.exit_code, 0) << reloaded.err;
    EXPECT_NE(
        reloaded.out.find("loaded " + daemon_.plugin_dir() + "/versioned.so (versioned 2.0.0"),
        std::string::npos)
        << reloaded.out;

    install_plugin_atomically(daemon_.plugin_dir(), "abi_v2", "versioned.so");
    const ProcessResult refused = client({"reload"});
    EXPECT_EQ(refused.exit_code, 1);
    EXPECT_NE(refused.out.find("refused"), std::string::npos) << refused.out;
    EXPECT_NE(refused.out.find("keeps serving"), std::string::npos) << refused.out;
    // reload without --socket finds the socket in the config.
    const ProcessResult by_config =
        taskhost_test::run_taskhost({"reload", "--json", "--config", daemon_.config_path()});
    EXPECT_EQ(by_config.exit_code, 1) << by_config.err;
    EXPECT_FALSE(parse_json(by_config.out)->getValue<bool>("ok"));
}

TEST(DaemonClientCliAlone, ServeAndReloadHaveHelp) {
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"serve", "--help"}, {"reload", "--help"}, {"help", "serve"}, {"help", "reload"}}) {
        const ProcessResult r = taskhost_test::run_taskhost(args);
        EXPECT_EQ(r.exit_code, 0) << args[0];
        EXPECT_EQ(r.out.rfind("usage: taskhost " + (args[0] == "help" ? args[1] : args[0]), 0), 0u)
            << r.out;
    }
    const ProcessResult bad = taskhost_test::run_taskhost({"serve", "--sockets", "/x"});
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.err.find("--sockets: is not a flag of taskhost serve"), std::string::npos)
        << bad.err;
}

TEST(DaemonClientCliAlone, NoDaemonIsAUsageErrorThatSaysWhatToDo) {
    taskhost_test::TempDir dir;
    const ProcessResult r =
        taskhost_test::run_taskhost({"run", "test.versioned", "--socket", dir / "none.sock"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("socket " + (dir / "none.sock") + ": cannot connect"), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("start the daemon (taskhost serve)"), std::string::npos);
    EXPECT_EQ(parse_json(r.out)->getObject("error")->getValue<std::string>("kind"),
              "invalid_input");
    EXPECT_EQ(taskhost_test::run_taskhost({"reload", "--socket", dir / "none.sock"}).exit_code, 2);
}

}  // namespace
}  // namespace taskhost
