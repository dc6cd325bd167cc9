// The digicert-sandbox CLI: flag checking, key sources, and the real process end to end
// (ready line, a resend over TLS, the resend line, clean exit on SIGTERM, no key printed).
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>

#include "child_process.h"
#include "sandbox_cli.h"
#include "sandbox_test_client.h"

namespace {

using sandbox::CliError;
using sandbox::parse_cli;
using sandbox_test::kCanaryKey;
using taskhost_test::ChildProcess;
using taskhost_test::ProcessLaunch;
using taskhost_test::ProcessResult;

std::string cli_error(const std::vector<std::string>& args) {
    try {
        parse_cli(args);
    } catch (const CliError& error) {
        return error.what();
    }
    return "";
}

TEST(SandboxCli, RefusesBadFlagsNamingTheFlag) {
    const std::string fixture = DIGICERT_SANDBOX_FIXTURE;
    const std::vector<std::string> env = {"--fixture", fixture, "--api-key-env", "K"};
    auto with = [&](std::vector<std::string> extra) {
        std::vector<std::string> args = env;
        args.insert(args.end(), extra.begin(), extra.end());
        return args;
    };
    EXPECT_NE(cli_error({"--api-key-env", "K"}).find("--fixture"), std::string::npos);
    EXPECT_NE(cli_error({"--fixture", fixture}).find("--api-key-file"), std::string::npos);
    EXPECT_NE(cli_error(with({"--api-key-file", "/x"})).find("exactly one"), std::string::npos);
    EXPECT_NE(cli_error(with({"--port", "70000"})).find("--port"), std::string::npos);
    EXPECT_NE(cli_error(with({"--short-window", "100"})).find("--short-window"), std::string::npos);
    EXPECT_NE(cli_error(with({"--long-window", "10/0"})).find("--long-window"), std::string::npos);
    EXPECT_NE(cli_error(with({"--identity", "rogue"})).find("--identity"), std::string::npos);
    EXPECT_NE(cli_error(with({"--lockout-ms"})).find("--lockout-ms"), std::string::npos);
    EXPECT_NE(cli_error(with({"--frobnicate"})).find("--frobnicate"), std::string::npos);
    EXPECT_NE(cli_error({"--fixture", fixture, "--api-key-env", "1BAD"}).find("--api-key-env"),
              std::string::npos);
}

TEST(SandboxCli, NeverTakesAKeyFromArgv) {
    const std::string message = cli_error({"--api-key", kCanaryKey});
    EXPECT_NE(message.find("never taken from the command line"), std::string::npos);
    EXPECT_EQ(message.find(kCanaryKey), std::string::npos);
}

TEST(SandboxCli, ParsesWindowsAndIdentity) {
    const auto cli = parse_cli({"--fixture=f.json", "--api-key-env", "K", "--short-window", "5/0.5",
                                "--long-window", "0/1", "--identity", "wrong-host", "--retry-after",
                                "2", "--lockout-ms", "250"});
    ASSERT_TRUE(cli.short_window && cli.long_window && cli.lockout);
    EXPECT_EQ(cli.fixture, "f.json");
    EXPECT_EQ(cli.short_window->requests, 5);
    EXPECT_EQ(cli.short_window->per, std::chrono::milliseconds(500));
    EXPECT_EQ(cli.long_window->requests, 0);
    EXPECT_EQ(cli.identity, sandbox::TlsIdentity::kWrongHost);
    EXPECT_EQ(cli.retry_after_seconds, 2);
    EXPECT_EQ(*cli.lockout, std::chrono::milliseconds(250));
}

TEST(SandboxCli, ParsesAccountFlags) {
    const std::vector<std::string> base = {"--fixture", "f.json", "--api-key-env", "K"};
    auto with = [&](std::vector<std::string> extra) {
        std::vector<std::string> args = base;
        args.insert(args.end(), extra.begin(), extra.end());
        return args;
    };
    const auto cli =
        parse_cli(with({"--generate-domains", "2500", "--dcv-email-preferences=dns_txt"}));
    EXPECT_EQ(cli.generate_domains, std::optional<size_t>(2500));
    ASSERT_TRUE(cli.dcv_email_preferences);
    EXPECT_FALSE(cli.dcv_email_preferences->constructed);
    EXPECT_TRUE(cli.dcv_email_preferences->dns_txt);
    const auto none = parse_cli(with({"--dcv-email-preferences", "none"}));
    EXPECT_FALSE(none.dcv_email_preferences->constructed || none.dcv_email_preferences->dns_txt);
    const auto both = parse_cli(with({"--dcv-email-preferences", "dns_txt,constructed"}));
    EXPECT_TRUE(both.dcv_email_preferences->constructed && both.dcv_email_preferences->dns_txt);
    EXPECT_FALSE(parse_cli(base).generate_domains);

    for (const std::string bad : {"0", "100001", "many"}) {
        EXPECT_NE(cli_error(with({"--generate-domains", bad})).find("--generate-domains"),
                  std::string::npos)
            << bad;
    }
    for (const std::string bad : {"whois", "", "constructed,"}) {
        EXPECT_NE(cli_error(with({"--dcv-email-preferences", bad})).find("--dcv-email-preferences"),
                  std::string::npos)
            << bad;
    }
}

TEST(SandboxCli, GenerateDomainsAndPreferencesReachTheOptions) {
    const auto getenv = [](const char*) -> const char* { return kCanaryKey; };
    const std::vector<std::string> base = {"--fixture", DIGICERT_SANDBOX_FIXTURE, "--api-key-env",
                                           "K"};
    const sandbox::SandboxOptions plain = sandbox::to_sandbox_options(parse_cli(base), getenv);
    EXPECT_EQ(plain.domains.size(), 6u);
    EXPECT_TRUE(plain.dcv_email_preferences.constructed && plain.dcv_email_preferences.dns_txt);
    EXPECT_TRUE(plain.start_time.has_value());

    std::vector<std::string> args = base;
    args.insert(args.end(), {"--generate-domains", "30", "--dcv-email-preferences", "constructed"});
    const sandbox::SandboxOptions options = sandbox::to_sandbox_options(parse_cli(args), getenv);
    ASSERT_EQ(options.domains.size(), 36u);
    EXPECT_EQ(options.domains[6].id, 5000000);
    EXPECT_EQ(options.domains[35].name, "d00029.fleet.example");
    EXPECT_TRUE(options.dcv_email_preferences.constructed);
    EXPECT_FALSE(options.dcv_email_preferences.dns_txt);

    // A fixture that generates already: the flag would be a second, conflicting generator.
    char path[] = "/tmp/sandbox-cli-generate-XXXXXX";
    const int fd = ::mkstemp(path);
    ASSERT_GE(fd, 0);
    const std::string text = R"({"generate":{"count":5}})";
    ASSERT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
    ::close(fd);
    try {
        sandbox::to_sandbox_options(
            parse_cli({"--fixture", path, "--api-key-env", "K", "--generate-domains", "3"}),
            getenv);
        ADD_FAILURE() << "accepted --generate-domains with a generating fixture";
    } catch (const CliError& error) {
        EXPECT_NE(std::string(error.what()).find("--generate-domains"), std::string::npos);
    }
    ::unlink(path);
}

TEST(SandboxCli, KeyFileMustBePrivateAndIsNeverEchoed) {
    char dir[] = "/tmp/sandbox-cli-test-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    const std::string path = std::string(dir) + "/key";
    std::ofstream(path) << kCanaryKey << "\n";

    ::chmod(path.c_str(), 0644);
    try {
        sandbox::read_key_file(path, "--api-key-file");
        ADD_FAILURE() << "accepted a world-readable key file";
    } catch (const CliError& error) {
        const std::string message = error.what();
        EXPECT_NE(message.find("chmod 600"), std::string::npos) << message;
        EXPECT_EQ(message.find(kCanaryKey), std::string::npos);
    }
    ::chmod(path.c_str(), 0600);
    EXPECT_EQ(sandbox::read_key_file(path, "--api-key-file"), kCanaryKey);

    std::ofstream(path, std::ios::trunc) << "two words " << kCanaryKey;
    try {
        sandbox::read_key_file(path, "--api-key-file");
        ADD_FAILURE() << "accepted a key with spaces";
    } catch (const CliError& error) {
        EXPECT_EQ(std::string(error.what()).find(kCanaryKey), std::string::npos);
    }
    ::unlink(path.c_str());
    ::rmdir(dir);
}

// ---- the real process ----

// digicert-sandbox with `args`, its key in the environment as SANDBOX_TEST_KEY.
ProcessLaunch sandbox_launch(const std::vector<std::string>& args,
                             const std::string& key_env_value) {
    ProcessLaunch launch;
    launch.argv = {DIGICERT_SANDBOX_BINARY};
    launch.argv.insert(launch.argv.end(), args.begin(), args.end());
    launch.env = {{"SANDBOX_TEST_KEY", key_env_value}};
    return launch;
}

// The 30 s bound only stops a broken build hanging.
constexpr std::chrono::seconds kLineLimit{30};

TEST(SandboxCli, ProcessServesAResendAndStopsCleanlyOnSigterm) {
    ChildProcess child(sandbox_launch(
        {"--fixture", DIGICERT_SANDBOX_FIXTURE, "--api-key-env", "SANDBOX_TEST_KEY"}, kCanaryKey));
    const std::string ready_line = child.next_stdout_line(kLineLimit);
    ASSERT_FALSE(ready_line.empty()) << "no ready line";
    Poco::JSON::Parser parser;
    const auto ready = parser.parse(ready_line).extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(ready->getValue<std::string>("event"), "ready");
    const auto port = static_cast<uint16_t>(ready->getValue<int>("port"));
    EXPECT_EQ(ready->getValue<std::string>("base_url"),
              "https://localhost:" + std::to_string(port) + "/services/v2");

    sandbox_test::StrictClient client(ready->getValue<std::string>("ca_file"), port);
    sandbox_test::Call resend{"PUT", sandbox_test::resend_target(1234567),
                              R"({"email_array":["admin@example.com","ceo@gmail.com"]})"};
    EXPECT_EQ(client.send(resend).status, 204);

    const std::string resend_line = child.next_stdout_line(kLineLimit);
    Poco::JSON::Parser resend_parser;
    const auto event = resend_parser.parse(resend_line).extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(event->getValue<std::string>("event"), "resend_accepted");
    EXPECT_EQ(event->getValue<long long>("domain_id"), 1234567);
    EXPECT_EQ(event->getValue<std::string>("name_scope"), "example.com");
    EXPECT_EQ(event->getArray("requested")->size(), 2u);
    EXPECT_EQ(event->getArray("mailed")->size(), 1u);

    child.send_signal(SIGUSR1);  // the counters, and the sandbox goes on serving
    const std::string counters_line = child.next_stdout_line(kLineLimit);
    Poco::JSON::Parser counters_parser;
    const auto counters = counters_parser.parse(counters_line).extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(counters->getValue<std::string>("event"), "counters");
    EXPECT_EQ(counters->getValue<int>("requests"), 1);
    EXPECT_EQ(counters->getValue<int>("resends_accepted"), 1);
    EXPECT_EQ(counters->getValue<int>("rate_limited"), 0);
    EXPECT_EQ(counters->getValue<int>("connections"), 1);
    EXPECT_EQ(client.send(resend).status, 204);

    child.send_signal(SIGTERM);
    const ProcessResult done = child.finish();
    EXPECT_EQ(done.exit_code, 0) << done.err;
    EXPECT_NE(done.out.find(R"("event":"counters","requests":2,"resends_accepted":2)"),
              std::string::npos)
        << done.out;
    EXPECT_EQ(done.out.find(kCanaryKey), std::string::npos);
    EXPECT_EQ(done.err.find(kCanaryKey), std::string::npos);
}

TEST(SandboxCli, ProcessExits2OnABadFlagNamingIt) {
    const ProcessResult done =
        ChildProcess(sandbox_launch({"--fixture", DIGICERT_SANDBOX_FIXTURE, "--api-key-env",
                                     "SANDBOX_TEST_KEY", "--short-window", "lots"},
                                    kCanaryKey))
            .finish();
    EXPECT_EQ(done.exit_code, 2);
    EXPECT_NE(done.err.find("--short-window"), std::string::npos) << done.err;
    EXPECT_TRUE(done.out.empty());
}

TEST(SandboxCli, ProcessExits2OnABadFixtureNamingTheField) {
    char path[] = "/tmp/sandbox-cli-fixture-XXXXXX";
    const int fd = ::mkstemp(path);
    ASSERT_GE(fd, 0);
    const std::string text = R"({"domains":[{"id":0,"name":"a.com"}]})";
    ASSERT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
    ::close(fd);
    const ProcessResult done =
        ChildProcess(
            sandbox_launch({"--fixture", path, "--api-key-env", "SANDBOX_TEST_KEY"}, kCanaryKey))
            .finish();
    EXPECT_EQ(done.exit_code, 2);
    EXPECT_NE(done.err.find("domains[0].id"), std::string::npos) << done.err;
    ::unlink(path);
}

}  // namespace
