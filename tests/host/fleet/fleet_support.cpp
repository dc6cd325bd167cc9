#include "fleet_support.h"

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <csignal>
#include <sstream>

namespace taskhost_fleet {

using taskhost_test::kCanaryKey;
using taskhost_test::ProcessResult;
using taskhost_test::TaskhostProcess;

std::vector<taskhost::RateWindow> fleet_windows() {
    return {{20, std::chrono::seconds(1)}, {100, std::chrono::seconds(10)}};
}

sandbox::SandboxOptions limited_sandbox(int64_t first_id, int count) {
    sandbox::SandboxOptions options =
        taskhost_test::sandbox_options(taskhost_test::numbered_domains(first_id, count));
    options.short_window = sandbox::RateWindow{20, std::chrono::seconds(1)};
    options.long_window = sandbox::RateWindow{100, std::chrono::seconds(10)};
    return options;
}

std::string fleet_accounts(const sandbox::SandboxServer& server, bool rate_limits) {
    std::string extra = R"("timeout_ms": 10000, "retry": {"max_attempts": 3})";
    if (rate_limits) {
        extra += R"(, "rate_limits": [{"requests": 20, "per_seconds": 1}, )"
                 R"({"requests": 100, "per_seconds": 10}])";
    }
    return taskhost_test::sandbox_accounts(server, kKeyEnv, extra);
}

std::string postgres_ledger(const taskhost_test::PostgresDatabase& db) {
    return R"({"postgresql": {"host": ")" + db.socket_dir() + R"(", "dbname": ")" + db.name() +
           R"(", "user": "taskhost_test"}})";
}

std::map<int64_t, int> accepted_per_domain(const sandbox::SandboxServer& server) {
    std::map<int64_t, int> counts;
    for (const sandbox::AcceptedResend& resend : server.accepted_resends()) {
        ++counts[resend.domain_id];
    }
    return counts;
}

void expect_no_canary(const std::string& text, const std::string& what) {
    EXPECT_EQ(text.find(kCanaryKey), std::string::npos) << "the key appeared in " << what;
}

std::set<std::string> query_names(const taskhost_test::PostgresDatabase& db,
                                  const std::string& query) {
    Poco::Data::PostgreSQL::Connector::registerConnector();
    Poco::Data::Session session("PostgreSQL", db.connection_string());
    std::vector<std::string> found;
    session << query, Poco::Data::Keywords::into(found), Poco::Data::Keywords::now;
    return std::set<std::string>(found.begin(), found.end());
}

FleetHost::FleetHost(const HostOptions& options) {
    ::chmod(dir_.path().c_str(), 0755);
    taskhost_test::make_dir(dir_ / "plugins", 0755);
    taskhost_test::install_dcv_plugin(dir_ / "plugins");
    std::string daemon = "{\"socket\": \"" + socket_path() + "\", \"audit_log\": \"" +
                         audit_path() + "\", \"watch_plugin_dir\": false";
    daemon += options.daemon == "{}" ? "}" : ", " + options.daemon.substr(1);
    taskhost_test::write_file(
        config_path(), "{\"plugin_dir\": \"plugins\", \"state_dir\": \"state\", \"accounts\": " +
                           options.accounts +
                           (options.ledger.empty() ? "" : ", \"ledger\": " + options.ledger) +
                           ", \"daemon\": " + daemon + "}\n");
}

FleetHost::~FleetHost() = default;

ProcessResult FleetHost::run(std::vector<std::string> args) const {
    ProcessResult result = start(std::move(args))->finish(std::chrono::seconds(120));
    expect_no_canary(result.out, "taskhost's stdout");
    expect_no_canary(result.err, "taskhost's stderr");
    return result;
}

std::unique_ptr<TaskhostProcess> FleetHost::start(std::vector<std::string> args) const {
    args.push_back("--config");
    args.push_back(config_path());
    return std::make_unique<TaskhostProcess>(
        args, std::map<std::string, std::string>{{kKeyEnv, kCanaryKey}});
}

bool FleetHost::serve() {
    daemon_ = start({"serve"});
    return daemon_->wait_for_stderr("; ready", std::chrono::seconds(30));
}

ProcessResult FleetHost::stop() {
    daemon_->send_signal(SIGTERM);
    ProcessResult result = daemon_->finish(std::chrono::seconds(60));
    daemon_.reset();
    expect_no_canary(result.err, "the daemon's log");
    expect_no_canary(taskhost_test::read_file(audit_path()), "the audit log");
    return result;
}

taskhost::DaemonAnswer FleetHost::post_task(const std::string& body) const {
    taskhost::Result<taskhost::DaemonAnswer> answer =
        taskhost::DaemonClient(socket_path()).request("POST", "/v1/tasks", body);
    if (!answer.ok()) {
        return taskhost::DaemonAnswer{0, answer.error().text(), ""};
    }
    return answer.value();
}

}  // namespace taskhost_fleet
