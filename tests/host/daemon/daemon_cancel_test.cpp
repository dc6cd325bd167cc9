// DaemonCancel: cancelling interrupts a send blocked on the network at once (issue 9, High 2).
// The real digicert_dcv.so behind the daemon sends a resend to a sandbox that reads it and then
// says nothing for a minute; SIGTERM past a short drain cancels the task, and the plugin closes
// its connection then instead of waiting out timeout_ms (30 s here). The bounds below catch a
// daemon that waits for the timeout; they are not performance assertions.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "daemon_test_support.h"
#include "dcv_sandbox_support.h"
#include "sandbox_server.h"

namespace taskhost {
namespace {

using taskhost_test::DaemonOptions;
using taskhost_test::DaemonUnderTest;
using taskhost_test::parse_json;
using Clock = std::chrono::steady_clock;

bool wait_for_put(const sandbox::SandboxServer& server) {
    const auto until = Clock::now() + std::chrono::seconds(30);
    while (server.request_count("PUT") == 0 && Clock::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return server.request_count("PUT") > 0;
}

constexpr const char* kResend = R"({"task": "digicert.dcv.resend", "params": {"domain_id": 1234567,
    "name_scope": "example.com", "email_array": ["admin@example.com"]}})";

// A sandbox that stalls every PUT for a minute, and a daemon (`daemon_json`) serving the real
// plugin with a 30 s timeout on it.
class DaemonCancel : public ::testing::Test {
  protected:
    DaemonCancel()
        : server_(taskhost_test::sandbox_options(
              {taskhost_test::sandbox_domain(1234567, "example.com")})) {
        server_.add_fault(taskhost_test::every_resend(sandbox::FaultRule::Action::kStall,
                                                      std::chrono::seconds(60)));
        taskhost_test::install_dcv_plugin(daemon_.plugin_dir());
    }

    bool start(const std::string& daemon_json) {
        DaemonOptions options;
        options.daemon_json = daemon_json;
        options.accounts_json = taskhost_test::slow_send_accounts(server_);
        return daemon_.start(options);
    }

    sandbox::SandboxServer server_;
    DaemonUnderTest daemon_;
};

TEST_F(DaemonCancel, SigtermPastTheDrainClosesAStalledSendAtOnce) {
    ASSERT_TRUE(start(R"({"drain_timeout_ms": 200})")) << daemon_.process().err();
    auto answer = std::async(std::launch::async, [this] { return daemon_.post_task(kResend); });
    ASSERT_TRUE(wait_for_put(server_)) << "the PUT never reached the sandbox";

    const auto signalled = Clock::now();
    const taskhost_test::ProcessResult stopped = daemon_.stop();
    const auto took = Clock::now() - signalled;
    EXPECT_EQ(stopped.exit_code, 0) << stopped.err;
    EXPECT_LT(took, std::chrono::milliseconds(200 + 2000))
        << "the daemon waited for the send's timeout instead of closing it: " << stopped.err;

    const DaemonAnswer done = answer.get();
    const auto outcome = parse_json(done.body);
    EXPECT_EQ(outcome->getValue<std::string>("status"), "cancelled") << done.body;
    EXPECT_TRUE(outcome->optValue("in_doubt", false))
        << "the PUT was written in full before the cancel: " << done.body;
    EXPECT_EQ(server_.request_count("PUT"), 1u);
}

// DELETE /v1/tasks/{id} cancels the task: the plugin closes the send it is blocked on at once,
// and the task's outcome says cancelled and in doubt. A second DELETE is a 409, an unknown id
// a 404.
TEST_F(DaemonCancel, TheApiCancelsAStalledSendAtOnce) {
    ASSERT_TRUE(start("{}")) << daemon_.process().err();
    const DaemonAnswer queued = daemon_.post_task(kResend, "?wait=false");
    ASSERT_EQ(queued.http_status, 202) << queued.body;
    const std::string id = parse_json(queued.body)->getValue<std::string>("id");
    ASSERT_TRUE(wait_for_put(server_)) << "the PUT never reached the sandbox";

    const auto cancelled = Clock::now();
    const DaemonAnswer cancel = daemon_.client().request("DELETE", "/v1/tasks/" + id).value();
    EXPECT_EQ(cancel.http_status, 202) << cancel.body;
    Poco::JSON::Object::Ptr state;
    do {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        state = parse_json(daemon_.get("/v1/tasks/" + id).body);
    } while (state->getValue<std::string>("status") != "done" &&
             Clock::now() - cancelled < std::chrono::seconds(30));
    EXPECT_LT(Clock::now() - cancelled, std::chrono::seconds(2))
        << "the send was not closed at once";
    const auto outcome = state->getObject("outcome");
    ASSERT_TRUE(outcome) << "never finished";
    EXPECT_EQ(outcome->getValue<std::string>("status"), "cancelled");
    EXPECT_TRUE(outcome->optValue("in_doubt", false));

    EXPECT_EQ(daemon_.client().request("DELETE", "/v1/tasks/" + id).value().http_status, 409);
    EXPECT_EQ(daemon_.client().request("DELETE", "/v1/tasks/t-nope").value().http_status, 404);
    EXPECT_NE(daemon_.stop().err.find("cancelled through the API by uid"), std::string::npos);
}

}  // namespace
}  // namespace taskhost
