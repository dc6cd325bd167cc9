// DaemonApi: the built `taskhost serve` as a real process on a real unix socket, loading the
// test plugins with dlopen: the routes, their structured errors, async tasks, backpressure,
// the socket's permissions, the audit log, and a canary key that shows up nowhere.
#include <grp.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <Poco/JSON/Array.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>

#include <chrono>
#include <cstdio>
#include <future>
#include <thread>

#include "daemon_test_support.h"

namespace taskhost {
namespace {

using taskhost_test::DaemonOptions;
using taskhost_test::DaemonUnderTest;
using taskhost_test::install_plugin_atomically;
using taskhost_test::kCanaryKey;
using taskhost_test::parse_json;

std::string error_kind(const DaemonAnswer& answer) {
    return parse_json(answer.body)->getObject("error")->getValue<std::string>("kind");
}

class DaemonApi : public ::testing::Test {
  protected:
    void SetUp() override {
        install_plugin_atomically(daemon_.plugin_dir(), "versioned_v1", "versioned.so");
        install_plugin_atomically(daemon_.plugin_dir(), "sleeper", "sleeper.so");
    }
    DaemonUnderTest daemon_;
};

size_t count_of(const std::string& text, const std::string& needle) {
    size_t count = 0;
    for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
        ++count;
    }
    return count;
}

// Issue 9: an answer that leaves the request's body unread must not let that body run as a
// request of its own (a POST /v1/health carrying a reload ran the reload).
TEST_F(DaemonApi, ABodyNoRouteReadsNeverRunsAsASecondRequest) {
    ASSERT_TRUE(daemon_.start()) << daemon_.process().finish().err;
    const std::string smuggled =
        "POST /v1/plugins/reload HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n";
    for (const std::string method : {"POST", "GET"}) {
        const std::string answer = taskhost_test::raw_exchange(
            daemon_.socket_path(), method + " /v1/health HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                                       std::to_string(smuggled.size()) + "\r\n\r\n" + smuggled);
        EXPECT_EQ(count_of(answer, "HTTP/1.1 "), 1u) << method << ": " << answer;
        EXPECT_EQ(answer.find("(still open)"), std::string::npos) << method << ": " << answer;
        EXPECT_EQ(answer.find("reloaded"), std::string::npos) << answer;
    }
    // A request without a body keeps its connection (keep-alive is untouched).
    const std::string two = taskhost_test::raw_exchange(daemon_.socket_path(),
                                                        "GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n"
                                                        "GET /v1/health HTTP/1.1\r\nHost: x\r\n"
                                                        "Connection: close\r\n\r\n");
    EXPECT_EQ(count_of(two, "HTTP/1.1 200"), 2u) << two;
}

// The daemon's memory: with resend_interval a task done within it is answered skipped, changed
// false, with when it was sent and when it is due, and not run; force runs it anyway; the history
// has every send and every refusal, with the client's uid and pid.
TEST_F(DaemonApi, ResendIntervalAnswersWithinItSkippedAndTheHistoryHasEverySend) {
    ASSERT_TRUE(daemon_.start()) << daemon_.process().finish().err;
    const std::string body =
        R"({"task": "test.versioned", "resend_interval": "24h", "params": {"label": "once"}})";
    const DaemonAnswer first = daemon_.post_task(body);
    ASSERT_EQ(first.http_status, 200) << first.body;
    EXPECT_EQ(parse_json(first.body)->getValue<std::string>("reason"), "never_sent");
    EXPECT_TRUE(parse_json(first.body)->getValue<bool>("changed"));

    const DaemonAnswer second = daemon_.post_task(body);
    ASSERT_EQ(second.http_status, 200) << second.body;
    const auto skipped = parse_json(second.body);
    EXPECT_EQ(skipped->getValue<std::string>("status"), "skipped");
    EXPECT_FALSE(skipped->getValue<bool>("changed"));
    EXPECT_FALSE(skipped->getValue<bool>("failed"));
    EXPECT_EQ(skipped->getValue<std::string>("reason"), "within_interval");
    EXPECT_TRUE(skipped->has("last_sent_at"));
    EXPECT_TRUE(skipped->has("next_due_at"));
    EXPECT_FALSE(skipped->has("plugin_version")) << "the plugin did not run: " << second.body;

    const DaemonAnswer check = daemon_.post_task(
        R"({"task": "test.versioned", "dry_run": true, "resend_interval": "24h",
            "params": {"label": "once"}})");
    EXPECT_EQ(parse_json(check.body)->getValue<std::string>("reason"), "within_interval");
    EXPECT_FALSE(parse_json(check.body)->getValue<bool>("changed"));

    const DaemonAnswer forced = daemon_.post_task(
        R"({"task": "test.versioned", "resend_interval": "24h", "force": true,
            "params": {"label": "once"}})");
    EXPECT_EQ(parse_json(forced.body)->getValue<std::string>("reason"), "forced");
    EXPECT_TRUE(parse_json(forced.body)->has("plugin_version")) << forced.body;

    const DaemonAnswer history = daemon_.get("/v1/history?since=1h&limit=10");
    ASSERT_EQ(history.http_status, 200) << history.body;
    const auto rows = parse_json(history.body)->getArray("history");
    ASSERT_EQ(rows->size(), 3u) << history.body;  // the dry run is not a send
    const auto newest = rows->getObject(0);
    EXPECT_EQ(newest->getValue<std::string>("reason"), "forced");
    EXPECT_EQ(newest->getValue<std::string>("source"), "api");
    EXPECT_EQ(newest->getValue<int64_t>("uid"), static_cast<int64_t>(::getuid()));
    EXPECT_EQ(newest->getValue<int64_t>("pid"), static_cast<int64_t>(::getpid()))
        << "the client's pid, from SO_PEERCRED";
    EXPECT_EQ(rows->getObject(1)->getValue<std::string>("status"), "skipped");
    EXPECT_EQ(rows->getObject(1)->getValue<std::string>("reason"), "within_interval");
    EXPECT_EQ(daemon_.get("/v1/history?since=yesterday").http_status, 400);
    EXPECT_EQ(daemon_.get("/v1/history?colour=red").http_status, 400);
    EXPECT_EQ(history.body.find(kCanaryKey), std::string::npos);
    EXPECT_EQ(daemon_.stop().exit_code, 0);
}

TEST_F(DaemonApi, SocketIsMode0660InItsGroupAndStaleSocketsAreReplaced) {
    // A socket file left by a dead daemon: nothing answers on it, so it is replaced.
    {
        Poco::Net::ServerSocket dead(
            Poco::Net::SocketAddress(Poco::Net::SocketAddress::UNIX_LOCAL, daemon_.socket_path()));
    }
    struct group* nogroup = ::getgrnam("nogroup");
    ASSERT_NE(nogroup, nullptr);
    const gid_t gid = nogroup->gr_gid;
    DaemonOptions options;
    options.daemon_json = R"({"group": "nogroup"})";
    ASSERT_TRUE(daemon_.start(options)) << daemon_.process().finish().err;
    struct stat st {};
    ASSERT_EQ(::stat(daemon_.socket_path().c_str(), &st), 0);
    EXPECT_TRUE(S_ISSOCK(st.st_mode));
    EXPECT_EQ(st.st_mode & 07777, 0660u);
    EXPECT_EQ(st.st_gid, gid);

    // A second daemon on the same socket is refused: the first one answers there.
    const taskhost_test::ProcessResult second =
        taskhost_test::run_taskhost({"serve", "--config", daemon_.config_path()});
    EXPECT_EQ(second.exit_code, 2);
    EXPECT_NE(second.err.find("another taskhost serve is answering on it"), std::string::npos)
        << second.err;
    EXPECT_EQ(daemon_.get("/v1/health").http_status, 200);

    const taskhost_test::ProcessResult stopped = daemon_.stop();
    EXPECT_EQ(stopped.exit_code, 0) << stopped.err;
    EXPECT_NE(::access(daemon_.socket_path().c_str(), F_OK), 0) << "socket file left behind";
}

// Issue 9: the daemon's memory holds API keys; it is not dumpable (no core file, no ptrace by
// this user's other processes) unless started with --allow-core-dumps, and says which in health.
TEST_F(DaemonApi, TheDaemonIsNotDumpableAndSaysSo) {
    ASSERT_TRUE(daemon_.start()) << daemon_.process().finish().err;
    const taskhost::DaemonAnswer health = daemon_.get("/v1/health");
    ASSERT_EQ(health.http_status, 200) << health.body;
    EXPECT_FALSE(parse_json(health.body)->getValue<bool>("core_dumps")) << health.body;
    const taskhost_test::ProcessResult help = taskhost_test::run_taskhost({"serve", "--help"});
    EXPECT_NE(help.out.find("--allow-core-dumps"), std::string::npos) << help.out;
}

TEST_F(DaemonApi, UnknownGroupIsAConfigErrorNamingIt) {
    DaemonOptions options;
    options.daemon_json = R"({"group": "no-such-group-7f3a"})";
    EXPECT_FALSE(daemon_.start(options));
    const taskhost_test::ProcessResult r = daemon_.stop();
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("daemon.group: \"no-such-group-7f3a\" is not a group"), std::string::npos)
        << r.err;
}

TEST_F(DaemonApi, HealthAndPluginsDescribeWhatIsServed) {
    ASSERT_TRUE(daemon_.start());
    const DaemonAnswer health = daemon_.get("/v1/health");
    ASSERT_EQ(health.http_status, 200) << health.body;
    EXPECT_EQ(parse_json(health.body)->getValue<std::string>("status"), "ok");
    EXPECT_EQ(parse_json(health.body)->getValue<int>("plugins"), 2);

    const DaemonAnswer plugins = daemon_.get("/v1/plugins");
    ASSERT_EQ(plugins.http_status, 200);
    const auto listing = parse_json(plugins.body);
    const auto list = listing->getArray("plugins");
    ASSERT_EQ(list->size(), 2u) << plugins.body;
    const auto sleeper = list->getObject(0);
    const auto versioned = list->getObject(1);
    EXPECT_EQ(versioned->getValue<std::string>("name"), "versioned");
    EXPECT_EQ(versioned->getValue<std::string>("version"), "1.0.0");
    EXPECT_EQ(versioned->getValue<std::string>("sha256").size(), 64u);
    EXPECT_GT(versioned->getValue<int>("generation"), 0);
    EXPECT_NE(versioned->getValue<int>("generation"), sleeper->getValue<int>("generation"));
    EXPECT_FALSE(versioned->getValue<std::string>("loaded_at").empty());
    EXPECT_TRUE(versioned->isNull("last_reload_error"));
    EXPECT_EQ(versioned->getObject("describe")
                  ->getArray("tasks")
                  ->getObject(0)
                  ->getValue<std::string>("name"),
              "test.versioned");
    EXPECT_EQ(listing->getObject("last_reload")->getArray("triggers")->getElement<std::string>(0),
              "start");
    EXPECT_EQ(daemon_.stop().exit_code, 0);
}

TEST_F(DaemonApi, TasksAnswerTheOutcome200Or422AndDryRunPlans) {
    ASSERT_TRUE(daemon_.start());
    const DaemonAnswer ok = daemon_.post_task(
        R"({"task": "test.versioned", "id": "abc", "account": "sandbox", "params": {"label": "x"}})");
    ASSERT_EQ(ok.http_status, 200) << ok.body;
    const auto outcome = parse_json(ok.body);
    EXPECT_EQ(outcome->getValue<std::string>("status"), "succeeded");
    EXPECT_EQ(outcome->getValue<std::string>("id"), "abc");
    EXPECT_EQ(outcome->getValue<std::string>("plugin_version"), "1.0.0");
    EXPECT_TRUE(outcome->getValue<bool>("had_key")) << "the daemon resolved the account's key";

    const DaemonAnswer failed =
        daemon_.post_task(R"({"task": "test.versioned", "params": {"fail": true}})");
    EXPECT_EQ(failed.http_status, 422) << failed.body;
    EXPECT_TRUE(parse_json(failed.body)->getValue<bool>("failed"));
    EXPECT_EQ(error_kind(failed), "server");

    const DaemonAnswer planned =
        daemon_.post_task(R"({"task": "test.versioned", "dry_run": true})");
    EXPECT_EQ(planned.http_status, 200) << planned.body;
    EXPECT_EQ(parse_json(planned.body)->getValue<std::string>("status"), "planned");
    // What check mode and noop expect: a dry run that would send says changed, and why.
    EXPECT_TRUE(parse_json(planned.body)->getValue<bool>("changed"));
    EXPECT_EQ(parse_json(planned.body)->getValue<std::string>("reason"), "never_sent");
    EXPECT_EQ(daemon_.stop().exit_code, 0);
}

TEST_F(DaemonApi, BadInputIsAStructured4xxAndTheDaemonKeepsServing) {
    ASSERT_TRUE(daemon_.start());
    struct Case {
        std::string body;
        int status;
        std::string kind;
        std::string says;
    };
    const std::vector<Case> cases{
        {"{\"task\": ", 400, "invalid_input", "request body"},
        {R"({"task": "test.nope"})", 400, "invalid_input", "task test.nope: is not offered"},
        {R"({"task": "test.versioned", "account": "nobody"})", 400, "invalid_input",
         "--account: \"nobody\" is not an account"},
        {R"({"task": "test.versioned", "params": {"api_key": "x"}})", 400, "invalid_input",
         "a spec must never hold an API key"},
        {R"({"task": "test.versioned", "connection": {}})", 400, "invalid_input",
         "a spec must not give a connection"},
        {R"({"task": "test.versioned", "id": ""})", 400, "invalid_input", "$.id: is empty"},
        {R"({"task": "test.versioned", "colour": 1})", 400, "invalid_input", "$.colour"},
        {"{\"task\": \"test.versioned\", \"params\": {\"label\": \"" + std::string(1100000, 'x') +
             "\"}}",
         413, "too_large", "larger than 1 MiB"},
    };
    for (const Case& c : cases) {
        const DaemonAnswer answer = daemon_.post_task(c.body);
        EXPECT_EQ(answer.http_status, c.status) << c.body.substr(0, 80) << " -> " << answer.body;
        const auto body = parse_json(answer.body);
        EXPECT_TRUE(body->getValue<bool>("failed"));
        EXPECT_EQ(body->getObject("error")->getValue<std::string>("kind"), c.kind);
        EXPECT_NE(body->getValue<std::string>("msg").find(c.says), std::string::npos)
            << answer.body;
    }
    const DaemonAnswer route = daemon_.get("/v2/nothing");
    EXPECT_EQ(route.http_status, 404);
    EXPECT_EQ(error_kind(route), "not_found");
    const DaemonAnswer method = daemon_.get("/v1/tasks");
    EXPECT_EQ(method.http_status, 405);
    EXPECT_EQ(error_kind(method), "method_not_allowed");
    EXPECT_EQ(daemon_.post_task(R"({"task": "test.versioned"})", "?wait=maybe").http_status, 400);

    // Still serving, and what it serves is unchanged.
    EXPECT_EQ(daemon_.post_task(R"({"task": "test.versioned"})").http_status, 200);
    EXPECT_EQ(daemon_.stop().exit_code, 0);
}

TEST_F(DaemonApi, AsyncTaskAnswers202ThenItsStatusAndOutcome) {
    ASSERT_TRUE(daemon_.start());
    const DaemonAnswer accepted = daemon_.post_task(
        R"({"task": "test.versioned", "params": {"sleep_ms": 50}})", "?wait=false");
    ASSERT_EQ(accepted.http_status, 202) << accepted.body;
    const std::string id = parse_json(accepted.body)->getValue<std::string>("id");
    Poco::JSON::Object::Ptr status;
    for (int i = 0; i < 3000; ++i) {  // a sanity bound of ~30 s, not a timing assertion
        const DaemonAnswer answer = daemon_.get("/v1/tasks/" + id);
        ASSERT_EQ(answer.http_status, 200) << answer.body;
        status = parse_json(answer.body);
        if (status->getValue<std::string>("status") == "done") {
            break;
        }
        EXPECT_TRUE(status->getValue<std::string>("status") == "queued" ||
                    status->getValue<std::string>("status") == "running");
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_EQ(status->getValue<std::string>("status"), "done");
    EXPECT_EQ(status->getValue<int>("http_status"), 200);
    EXPECT_EQ(status->getObject("outcome")->getValue<std::string>("status"), "succeeded");
    EXPECT_EQ(status->getObject("outcome")->getValue<std::string>("id"), id)
        << "without a caller's id, the job id is the task's id";

    EXPECT_EQ(error_kind(daemon_.get("/v1/tasks/t-unknown-1")), "not_found");
    EXPECT_EQ(daemon_.stop().exit_code, 0);
}

TEST_F(DaemonApi, FullQueueAnswers503WithRetryAfterAndDrainCancelsTheRest) {
    DaemonOptions options;
    options.daemon_json = R"({"max_concurrency": 1, "max_queue": 1, "drain_timeout_ms": 100})";
    ASSERT_TRUE(daemon_.start(options));
    const std::string sleep = R"({"task": "test.sleep"})";
    const DaemonAnswer running = daemon_.post_task(sleep, "?wait=false");
    const DaemonAnswer queued = daemon_.post_task(sleep, "?wait=false");
    ASSERT_EQ(running.http_status, 202);
    ASSERT_EQ(queued.http_status, 202);
    const DaemonAnswer refused = daemon_.post_task(sleep, "?wait=false");
    EXPECT_EQ(refused.http_status, 503) << refused.body;
    EXPECT_EQ(refused.retry_after, "1");
    EXPECT_EQ(error_kind(refused), "busy");
    EXPECT_TRUE(parse_json(refused.body)->getObject("error")->getValue<bool>("retryable"));
    const auto health = parse_json(daemon_.get("/v1/health").body);
    EXPECT_EQ(health->getValue<int>("running") + health->getValue<int>("queued"), 2);

    // SIGTERM: the 60 s sleeps outlive the 100 ms drain, so they are cancelled, and the
    // daemon still exits 0 (a sanity bound, not a timing test: well below 60 s).
    const auto before = std::chrono::steady_clock::now();
    const taskhost_test::ProcessResult stopped = daemon_.stop();
    EXPECT_EQ(stopped.exit_code, 0) << stopped.err;
    EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(30));
    EXPECT_NE(stopped.err.find("cancelling them"), std::string::npos) << stopped.err;
    EXPECT_NE(stopped.err.find("\"status\":\"cancelled\""), std::string::npos) << stopped.err;
}

TEST_F(DaemonApi, SigtermStopsAcceptingAndLetsInFlightTasksFinish) {
    ASSERT_TRUE(daemon_.start());
    std::future<DaemonAnswer> in_flight = std::async(std::launch::async, [this] {
        return daemon_.post_task(R"({"task": "test.versioned", "params": {"sleep_ms": 1500}})");
    });
    ASSERT_TRUE(daemon_.process().wait_for_stderr("sleep started", std::chrono::seconds(30)));
    daemon_.process().send_signal(SIGTERM);
    // The socket goes first: a new caller fails fast while the task still runs.
    bool gone = false;
    for (int i = 0; i < 3000 && !gone; ++i) {  // a sanity bound of ~30 s
        gone = ::access(daemon_.socket_path().c_str(), F_OK) != 0;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_TRUE(gone);
    EXPECT_FALSE(daemon_.client().request("GET", "/v1/health").ok());

    const DaemonAnswer answer = in_flight.get();
    EXPECT_EQ(answer.http_status, 200) << answer.body;
    EXPECT_EQ(parse_json(answer.body)->getValue<std::string>("status"), "succeeded");
    const taskhost_test::ProcessResult stopped = daemon_.stop(0);  // already signalled
    EXPECT_EQ(stopped.exit_code, 0) << stopped.err;
    EXPECT_NE(stopped.err.find("SIGTERM: draining"), std::string::npos);
    EXPECT_EQ(stopped.err.find("cancelling"), std::string::npos) << "it finished in time";
}

// A request to the loopback TCP listener; `token` empty: no Authorization header.
std::pair<int, std::string> tcp_request(uint16_t port, const std::string& method,
                                        const std::string& path, const std::string& token,
                                        const std::string& body = "") {
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!token.empty()) {
        request.set("Authorization", "Bearer " + token);
    }
    request.setContentLength(static_cast<std::streamsize>(body.size()));
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return {static_cast<int>(response.getStatus()), text};
}

TEST_F(DaemonApi, OptInTcpListenerAsksEveryRequestForTheBearerToken) {
    uint16_t port = 0;
    {
        Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
        port = probe.address().port();
    }
    const std::string token = "TOKEN-5e1f-test";
    taskhost_test::write_file(daemon_.root() + "/api.token", token + "\n", 0600);
    DaemonOptions options;
    options.daemon_json =
        "{\"tcp\": {\"port\": " + std::to_string(port) + ", \"token_file\": \"api.token\"}}";
    ASSERT_TRUE(daemon_.start(options)) << daemon_.process().err();

    const auto anonymous = tcp_request(port, "GET", "/v1/health", "");
    EXPECT_EQ(anonymous.first, 401);
    EXPECT_EQ(parse_json(anonymous.second)->getObject("error")->getValue<std::string>("kind"),
              "auth");
    EXPECT_EQ(tcp_request(port, "GET", "/v1/health", "TOKEN-5e1f-tesT").first, 401);
    EXPECT_EQ(tcp_request(port, "POST", "/v1/tasks", "", R"({"task": "test.versioned"})").first,
              401);
    EXPECT_EQ(tcp_request(port, "GET", "/v1/health", token).first, 200);
    const auto task =
        tcp_request(port, "POST", "/v1/tasks", token, R"({"task": "test.versioned"})");
    EXPECT_EQ(task.first, 200) << task.second;

    const taskhost_test::ProcessResult stopped = daemon_.stop();
    EXPECT_EQ(stopped.exit_code, 0);
    EXPECT_EQ(stopped.err.find(token), std::string::npos) << "the token reached the log";
    EXPECT_NE(stopped.err.find("\"uid\":null,\"pid\":null,\"peer\":\"127.0.0.1:"),
              std::string::npos)
        << stopped.err;
}

TEST_F(DaemonApi, AuditLineNamesTheCallerAndNeverTheKey) {
    DaemonOptions options;
    options.daemon_json = "{\"audit_log\": \"" + daemon_.root() + "/audit.log\"}";
    ASSERT_TRUE(daemon_.start(options));
    ASSERT_EQ(daemon_.post_task(R"({"task": "test.versioned", "id": "audited-1"})").http_status,
              200);
    ASSERT_EQ(daemon_.post_task(R"({"task": "test.nope", "id": "audited-2"})").http_status, 400);
    const taskhost_test::ProcessResult stopped = daemon_.stop();
    EXPECT_EQ(stopped.exit_code, 0);

    struct stat st {};
    ASSERT_EQ(::stat((daemon_.root() + "/audit.log").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    const std::string audit = taskhost_test::read_file(daemon_.root() + "/audit.log");
    EXPECT_EQ(audit.find(kCanaryKey), std::string::npos);
    std::vector<Poco::JSON::Object::Ptr> lines;
    for (size_t at = 0, end; (end = audit.find('\n', at)) != std::string::npos; at = end + 1) {
        lines.push_back(parse_json(audit.substr(at, end - at)));
    }
    ASSERT_EQ(lines.size(), 2u) << audit;
    // This test process is the caller: the kernel's SO_PEERCRED says so.
    EXPECT_EQ(lines[0]->getValue<int64_t>("uid"), static_cast<int64_t>(::getuid()));
    EXPECT_EQ(lines[0]->getValue<int64_t>("pid"), static_cast<int64_t>(::getpid()));
    EXPECT_EQ(lines[0]->getValue<std::string>("task"), "test.versioned");
    EXPECT_EQ(lines[0]->getValue<std::string>("id"), "audited-1");
    EXPECT_EQ(lines[0]->getValue<std::string>("status"), "succeeded");
    EXPECT_EQ(lines[0]->getValue<int>("http_status"), 200);
    EXPECT_EQ(lines[0]->getValue<std::string>("plugin_version"), "1.0.0");
    EXPECT_TRUE(lines[0]->has("duration_ms"));
    EXPECT_FALSE(lines[0]->getValue<std::string>("job").empty());
    EXPECT_EQ(lines[1]->getValue<std::string>("status"), "rejected");
    EXPECT_EQ(lines[1]->getValue<int>("http_status"), 400);
}

}  // namespace
}  // namespace taskhost
