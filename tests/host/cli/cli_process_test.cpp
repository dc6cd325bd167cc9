// Cli: the built taskhost binary run as a real subprocess against the echo test plugin, with
// the key in the environment (never argv): exit codes, stdout/stderr, help, signals, and a
// canary key that must appear in no output.
#include <gtest/gtest.h>
#include <signal.h>

#include <Poco/JSON/Parser.h>

#include "host_test_support.h"

namespace taskhost {
namespace {

using taskhost_test::HostFixture;
using taskhost_test::install_test_plugin;
using taskhost_test::kCanaryKey;
using taskhost_test::ProcessResult;
using taskhost_test::run_taskhost;

Poco::JSON::Object::Ptr parse_outcome(const std::string& out) {
    EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << "one line of JSON expected: " << out;
    Poco::JSON::Parser parser;
    return parser.parse(out).extract<Poco::JSON::Object::Ptr>();
}

class Cli : public ::testing::Test {
  protected:
    Cli() {
        install_test_plugin(host_.plugin_dir(), "echo_v1");
        host_.write_config(R"({"sandbox": {"base_url": "https://localhost:1/services/v2",
                                          "api_key_env": "TASKHOST_TEST_KEY"}})");
    }

    ProcessResult run(std::vector<std::string> args, const std::string& stdin_text = "") {
        args.push_back("--config");
        args.push_back(host_.config_path());
        ProcessResult result = run_taskhost(args, env_, stdin_text);
        // Whatever happened, the key never shows.
        EXPECT_EQ(result.out.find(kCanaryKey), std::string::npos) << result.out;
        EXPECT_EQ(result.err.find(kCanaryKey), std::string::npos) << result.err;
        return result;
    }

    HostFixture host_;
    std::map<std::string, std::string> env_{{"TASKHOST_TEST_KEY", kCanaryKey}};
};

TEST_F(Cli, SucceededTaskPrintsItsOutcomeAndExitsZero) {
    const ProcessResult r = run({"run", "test.echo", "count=5", "names=a,b", "--id", "abc"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto outcome = parse_outcome(r.out);
    EXPECT_EQ(outcome->getValue<std::string>("status"), "succeeded");
    EXPECT_EQ(outcome->getValue<std::string>("id"), "abc");
    EXPECT_EQ(outcome->getObject("params")->getValue<int>("count"), 5);
    EXPECT_EQ(outcome->getObject("connection")->getValue<std::string>("api_key"), "<17 bytes>");
}

TEST_F(Cli, FailedTaskExitsOne) {
    const ProcessResult r = run({"run", "test.echo", "behaviour=fail"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_TRUE(parse_outcome(r.out)->getValue<bool>("failed"));
}

TEST_F(Cli, UsageErrorExitsTwoWithAHumanLineAndAnInvalidInputOutcome) {
    const ProcessResult r = run({"run", "test.echo", "count=many"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("taskhost: param count: \"many\" is not an integer"), std::string::npos)
        << r.err;
    const auto outcome = parse_outcome(r.out);
    EXPECT_EQ(outcome->getObject("error")->getValue<std::string>("kind"), "invalid_input");
    EXPECT_EQ(outcome->getObject("error")->getObject("details")->getValue<std::string>("where"),
              "param count");
}

TEST_F(Cli, UnknownFlagIsAUsageErrorNamingIt) {
    const ProcessResult r = run({"run", "test.echo", "--acount", "sandbox"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("--acount: is not a flag of taskhost run"), std::string::npos) << r.err;
    const ProcessResult p = run({"plugins", "--verbose"});
    EXPECT_EQ(p.exit_code, 2);
    EXPECT_NE(p.err.find("--verbose"), std::string::npos);
}

TEST_F(Cli, DetailedExitCodesFollowPuppet) {
    EXPECT_EQ(run({"run", "test.echo", "behaviour=unchanged", "--detailed-exitcodes"}).exit_code,
              0);
    EXPECT_EQ(run({"run", "test.echo", "--detailed-exitcodes"}).exit_code, 2);
    EXPECT_EQ(run({"run", "test.echo", "behaviour=fail", "--detailed-exitcodes"}).exit_code, 4);
    EXPECT_EQ(run({"run", "test.echo", "count=x", "--detailed-exitcodes"}).exit_code, 1);
    EXPECT_EQ(run({"run", "test.echo", "--bogus", "--detailed-exitcodes"}).exit_code, 1);
}

TEST_F(Cli, MissingKeyIsAConfigErrorButACheckStillPlans) {
    env_.clear();
    const ProcessResult r = run({"run", "test.echo"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("account sandbox: environment variable TASKHOST_TEST_KEY: is not set"),
              std::string::npos)
        << r.err;

    const ProcessResult check = run({"run", "test.echo", "--check"});
    EXPECT_EQ(check.exit_code, 0) << check.err;
    EXPECT_EQ(parse_outcome(check.out)->getValue<std::string>("status"), "planned");
    EXPECT_NE(check.err.find("note: account sandbox"), std::string::npos) << check.err;
    EXPECT_NE(check.err.find("planning without a key"), std::string::npos);
}

TEST_F(Cli, KeyFileAccountWorksWith0600AndIsRefusedWith0644) {
    const std::string key_file = host_.write_key_file("k.key", kCanaryKey, 0600);
    host_.write_config(R"({"filed": {"region": "us", "api_key_file": "k.key"}})");
    const ProcessResult ok = run({"run", "test.echo"});
    ASSERT_EQ(ok.exit_code, 0) << ok.err;
    // The host passes the account's settings through as written: what "us" means is the
    // plugin's business (the DigiCert plugin resolves its regions itself).
    EXPECT_EQ(parse_outcome(ok.out)->getObject("connection")->getValue<std::string>("region"),
              "us");

    ::chmod(key_file.c_str(), 0644);
    const ProcessResult refused = run({"run", "test.echo"});
    EXPECT_EQ(refused.exit_code, 2);
    EXPECT_NE(refused.err.find("mode 0644"), std::string::npos) << refused.err;
    EXPECT_NE(refused.err.find("chmod 600 " + key_file), std::string::npos) << refused.err;
}

TEST_F(Cli, SpecFromStdinIsMergedAndASpecWithAKeyIsRefused) {
    const ProcessResult r =
        run({"run", "--spec", "-", "flag=true"},
            R"({"task": "test.echo", "id": "from-spec", "params": {"label": "x"}})");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto outcome = parse_outcome(r.out);
    EXPECT_EQ(outcome->getValue<std::string>("id"), "from-spec");
    EXPECT_TRUE(outcome->getObject("params")->getValue<bool>("flag"));
    EXPECT_EQ(outcome->getObject("params")->getValue<std::string>("label"), "x");

    const ProcessResult keyed =
        run({"run", "--spec", "-"},
            R"({"task": "test.echo", "params": {"api_key": "CANARY-KEY-7f3a9c"}})");
    EXPECT_EQ(keyed.exit_code, 2);
    EXPECT_NE(keyed.err.find("spec stdin: $.params.api_key: a spec must never hold an API key"),
              std::string::npos)
        << keyed.err;
}

TEST_F(Cli, CarelessPluginNeverGetsTheKeyOut) {
    const ProcessResult r = run({"run", "test.echo", "behaviour=leak", "--pretty"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("[redacted]"), std::string::npos) << r.out;
    EXPECT_NE(r.err.find("[redacted]"), std::string::npos) << r.err;
}

TEST_F(Cli, SigtermDuringASlowTaskReportsCancelled) {
    std::vector<std::string> args{"run", "test.echo", "behaviour=slow", "--config",
                                  host_.config_path()};
    taskhost_test::TaskhostProcess process(args, env_);
    ASSERT_TRUE(process.wait_for_stderr("slow task started", std::chrono::seconds(30)));
    process.send_signal(SIGTERM);
    const ProcessResult r = process.finish(std::chrono::seconds(30));
    EXPECT_EQ(r.exit_code, 1) << r.err;
    const auto outcome = parse_outcome(r.out);
    EXPECT_EQ(outcome->getValue<std::string>("status"), "cancelled");
    EXPECT_EQ(outcome->getObject("error")->getValue<std::string>("kind"), "cancelled");
}

TEST_F(Cli, RefusedPluginsAreReportedOnStderrForRunAndListedByPlugins) {
    install_test_plugin(host_.plugin_dir(), "abi_v2");
    const ProcessResult r = run({"run", "test.echo"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_NE(r.err.find("refused plugin file " + host_.plugin_dir() +
                         "/abi_v2.so: plugin reports ABI 2, "
                         "this taskhost speaks ABI 1"),
              std::string::npos)
        << r.err;

    const ProcessResult json = run({"plugins", "--json"});
    ASSERT_EQ(json.exit_code, 0) << json.err;
    Poco::JSON::Parser parser;
    const auto listing = parser.parse(json.out).extract<Poco::JSON::Object::Ptr>();
    ASSERT_EQ(listing->getArray("plugins")->size(), 1u);
    EXPECT_EQ(listing->getArray("plugins")->getObject(0)->getValue<std::string>("name"), "echo_v1");
    EXPECT_EQ(listing->getArray("plugins")->getObject(0)->getValue<std::string>("sha256").size(),
              64u);
    ASSERT_EQ(listing->getArray("refusals")->size(), 1u);
    EXPECT_NE(
        listing->getArray("refusals")->getObject(0)->getValue<std::string>("problem").find("ABI 2"),
        std::string::npos);

    const ProcessResult text = run({"plugins"});
    EXPECT_EQ(text.exit_code, 0);
    EXPECT_NE(text.out.find("plugin echo_v1 1.0.0 (ABI 1)"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("task    test.echo [--check]"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("refused " + host_.plugin_dir() + "/abi_v2.so"), std::string::npos)
        << text.out;
}

TEST_F(Cli, EveryCommandHasHelp) {
    for (const auto& args : std::vector<std::vector<std::string>>{{"--help"},
                                                                  {"help"},
                                                                  {"help", "run"},
                                                                  {"run", "--help"},
                                                                  {"plugins", "--help"},
                                                                  {"help", "plugins"}}) {
        const ProcessResult r = run_taskhost(args);
        EXPECT_EQ(r.exit_code, 0) << args[0];
        EXPECT_EQ(r.out.rfind("usage: taskhost", 0), 0u) << r.out;
    }
    EXPECT_NE(run_taskhost({"run", "--help"}).out.find("--detailed-exitcodes"), std::string::npos);
    EXPECT_EQ(run_taskhost({}).exit_code, 2);
    const ProcessResult unknown = run_taskhost({"bogus"});
    EXPECT_EQ(unknown.exit_code, 2);
    EXPECT_NE(unknown.err.find("unknown command \"bogus\""), std::string::npos);
    const ProcessResult version = run_taskhost({"--version"});
    EXPECT_EQ(version.exit_code, 0);
    EXPECT_NE(version.out.find("plugin ABI 1"), std::string::npos);
}

TEST_F(Cli, ConfigErrorNamesTheFileAndPath) {
    taskhost_test::write_file(host_.config_path(),
                              R"({"accounts": {"x": {"region": "us", "api_key": "k"}}})");
    const ProcessResult r = run({"run", "test.echo"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find(host_.config_path() + ": $.accounts.x.api_key"), std::string::npos)
        << r.err;
}

}  // namespace
}  // namespace taskhost
