// DcvEndToEnd: the built taskhost, the real digicert_dcv.so (loaded from a plugin directory
// through the config, as in production) and the DigiCert sandbox over real TLS on loopback.
// The key reaches taskhost only through its environment.
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>

#include <signal.h>

#include <chrono>
#include <memory>
#include <thread>

#include "host_test_support.h"
#include "sandbox_server.h"

namespace taskhost {
namespace {

using taskhost_test::HostFixture;
using taskhost_test::kCanaryKey;
using taskhost_test::ProcessResult;

constexpr const char* kViewOnlyKey = "VIEW-ONLY-KEY-41d2e8";
constexpr int64_t kDomainId = 1234567;

Poco::JSON::Object::Ptr parse_outcome(const std::string& out) {
    Poco::JSON::Parser parser;
    return parser.parse(out).extract<Poco::JSON::Object::Ptr>();
}

class DcvEndToEnd : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        sandbox::SandboxOptions options;
        sandbox::SandboxDomain domain;
        domain.id = kDomainId;
        domain.name = "example.com";
        options.domains.push_back(domain);
        options.keys.push_back(sandbox::SandboxKey{kCanaryKey, "manager"});
        options.keys.push_back(sandbox::SandboxKey{kViewOnlyKey, "view_only"});
        server_ = std::make_unique<sandbox::SandboxServer>(options);
    }
    static void TearDownTestSuite() { server_.reset(); }

    void SetUp() override {
        server_->clear_faults();
        server_->reset_records();
        taskhost_test::write_file(host_.plugin_dir() + "/digicert_dcv.so",
                                  taskhost_test::read_file(DIGICERT_DCV_PLUGIN), 0755);
        host_.write_config(R"({"sandbox": {"base_url": ")" + server_->base_url() +
                           R"(", "api_key_env": "TASKHOST_TEST_KEY", "ca_file": ")" +
                           server_->ca_file() +
                           R"(", "timeout_ms": 10000, "retry": {"max_attempts": 2}}})");
    }

    ProcessResult run(std::vector<std::string> args, const std::string& key = kCanaryKey) {
        args.push_back("--config");
        args.push_back(host_.config_path());
        ProcessResult result = taskhost_test::run_taskhost(args, {{"TASKHOST_TEST_KEY", key}});
        EXPECT_EQ(result.out.find(key), std::string::npos) << result.out;
        EXPECT_EQ(result.err.find(key), std::string::npos) << result.err;
        return result;
    }

    static std::unique_ptr<sandbox::SandboxServer> server_;
    HostFixture host_;
};

std::unique_ptr<sandbox::SandboxServer> DcvEndToEnd::server_;

TEST_F(DcvEndToEnd, ResendSucceedsAndTheSandboxAcceptsExactlyOne) {
    const ProcessResult r =
        run({"run", "digicert.dcv.resend", "domain_id=1234567", "name_scope=example.com",
             "email_array=admin@example.com", "--account", "sandbox"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    const auto outcome = parse_outcome(r.out);
    EXPECT_EQ(outcome->getValue<std::string>("status"), "succeeded") << r.out;
    EXPECT_TRUE(outcome->getValue<bool>("changed"));
    const std::vector<sandbox::AcceptedResend> accepted = server_->accepted_resends();
    ASSERT_EQ(accepted.size(), 1u);
    EXPECT_EQ(accepted[0].domain_id, kDomainId);
    EXPECT_EQ(accepted[0].name_scope, "example.com");
    EXPECT_EQ(accepted[0].requested, std::vector<std::string>{"admin@example.com"});
    // The key went where it belongs: the X-DC-DEVKEY header of the PUT.
    bool put_seen = false;
    for (const sandbox::RecordedRequest& request : server_->requests()) {
        if (request.method == "PUT") {
            put_seen = true;
            EXPECT_EQ(request.header("X-DC-DEVKEY"), kCanaryKey);
        }
    }
    EXPECT_TRUE(put_seen);
}

TEST_F(DcvEndToEnd, CheckPlansAndSendsNothing) {
    const ProcessResult r = run(
        {"run", "digicert.dcv.resend", "domain_id=1234567", "name_scope=example.com", "--check"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(parse_outcome(r.out)->getValue<std::string>("status"), "planned") << r.out;
    EXPECT_TRUE(server_->requests().empty());
    EXPECT_EQ(server_->connections_accepted(), 0u);
}

TEST_F(DcvEndToEnd, KeyWithoutDomainRightsExitsOneWithPermission) {
    const ProcessResult r =
        run({"run", "digicert.dcv.resend", "domain_id=1234567", "name_scope=example.com"},
            kViewOnlyKey);
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    const auto outcome = parse_outcome(r.out);
    EXPECT_EQ(outcome->getObject("error")->getValue<std::string>("kind"), "permission") << r.out;
    EXPECT_TRUE(server_->accepted_resends().empty());
}

TEST_F(DcvEndToEnd, ParamThePluginRejectsIsATaskFailureNamingTheField) {
    const ProcessResult r =
        run({"run", "digicert.dcv.resend", "domain_id=1234567", "name_scope=not a host"});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    const auto outcome = parse_outcome(r.out);
    EXPECT_EQ(outcome->getObject("error")->getValue<std::string>("kind"), "invalid_input");
    EXPECT_NE(r.out.find("name_scope"), std::string::npos) << r.out;
    EXPECT_TRUE(server_->requests().empty());
}

TEST_F(DcvEndToEnd, PluginsListsTheRealPlugin) {
    const ProcessResult r = run({"plugins", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto listing = parse_outcome(r.out);
    ASSERT_EQ(listing->getArray("plugins")->size(), 1u) << r.out;
    EXPECT_EQ(listing->getArray("refusals")->size(), 0u) << r.out;
    EXPECT_NE(r.out.find("digicert.dcv.resend"), std::string::npos);
}

// SIGTERM while the resend is blocked on a server that read it and says nothing: the plugin
// closes the connection at once (not after timeout_ms, 10 s here) and reports the task
// cancelled and in doubt. The bound catches a wait for the timeout; it is not a benchmark.
TEST_F(DcvEndToEnd, SigtermDuringAStalledSendEndsItAtOnce) {
    sandbox::FaultRule stall;
    stall.method = "PUT";
    stall.path_suffix = "/dcv/emails";
    stall.action = sandbox::FaultRule::Action::kStall;
    stall.delay = std::chrono::seconds(60);
    stall.count = -1;
    server_->add_fault(stall);
    taskhost_test::TaskhostProcess process(
        {"run", "digicert.dcv.resend", "domain_id=1234567", "name_scope=example.com",
         "email_array=admin@example.com", "--account", "sandbox", "--config", host_.config_path()},
        {{"TASKHOST_TEST_KEY", kCanaryKey}});
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (server_->request_count("PUT") == 0 && std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_EQ(server_->request_count("PUT"), 1u) << "the PUT never reached the sandbox";
    const auto signalled = std::chrono::steady_clock::now();
    process.send_signal(SIGTERM);
    const ProcessResult r = process.finish(std::chrono::seconds(30));
    EXPECT_LT(std::chrono::steady_clock::now() - signalled, std::chrono::seconds(2)) << r.err;
    EXPECT_EQ(r.exit_code, 1) << r.err;
    const auto outcome = parse_outcome(r.out);
    EXPECT_EQ(outcome->getValue<std::string>("status"), "cancelled") << r.out;
    EXPECT_TRUE(outcome->optValue("in_doubt", false)) << r.out;
    EXPECT_EQ(r.out.find(kCanaryKey), std::string::npos);
    EXPECT_EQ(r.err.find(kCanaryKey), std::string::npos);
}

}  // namespace
}  // namespace taskhost
