#include "manifest_apply_fixture.h"

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/JSON/Parser.h>
#include <signal.h>
#include <functional>

#include <filesystem>
#include <sstream>

namespace taskhost {

namespace fs = std::filesystem;
using Poco::JSON::Object;
using taskhost_test::kCanaryKey;
using taskhost_test::ProcessResult;
using taskhost_test::TaskhostProcess;

std::string task_json(int i) {
    const int64_t id = kFirstDomain + i;
    return R"({"name": "d)" + std::to_string(i) +
           R"(", "task": "digicert.dcv.resend", "params": {"domain_id": )" + std::to_string(id) +
           R"(, "name_scope": "d)" + std::to_string(i) + R"(.example.com"}})";
}

std::string manifest_of(int count, const std::string& extra_task) {
    std::string text =
        R"({"version": 1, "defaults": {"account": "sandbox", "params": {"locale": "en"}},
 "tasks": [)";
    for (int i = 0; i < count; ++i) {
        text += std::string(i ? ",\n  " : "\n  ") + task_json(i);
    }
    if (!extra_task.empty()) {
        text += ",\n  " + extra_task;
    }
    return text + "]}\n";
}

std::atomic<int> ManifestApply::accepted_{0};
std::atomic<int> ManifestApply::kill_at_{-1};
std::atomic<TaskhostProcess*> ManifestApply::victim_{nullptr};

void ManifestApply::SetUpTestSuite() {
    sandbox::SandboxOptions options =
        taskhost_test::sandbox_options(taskhost_test::numbered_domains(kFirstDomain, kDomains));
    options.on_resend = [](const sandbox::AcceptedResend&) {
        const int seen = ++accepted_;
        if (seen == kill_at_.load()) {
            if (TaskhostProcess* victim = victim_.load()) {
                victim->send_signal(SIGKILL);  // before the 204 leaves: sent, not recorded
            }
        }
    };
    start_sandbox(options);
}

void ManifestApply::SetUp() {
    SandboxSuite::SetUp();
    accepted_ = 0;
    kill_at_ = -1;
    victim_ = nullptr;
    taskhost_test::install_dcv_plugin(host_.plugin_dir());
    write_config("");
}

void ManifestApply::write_config(const std::string& rate_limits) {
    host_.write_config(taskhost_test::sandbox_accounts(
                           *server_, "TASKHOST_TEST_KEY",
                           R"("timeout_ms": 10000, "retry": {"max_attempts": 3})" +
                               (rate_limits.empty() ? "" : ", \"rate_limits\": " + rate_limits)),
                       "state");
}

std::string ManifestApply::manifest(const std::string& text, const std::string& name) {
    const std::string path = host_.root() + "/" + name;
    taskhost_test::write_file(path, text);
    return path;
}

std::vector<std::string> ManifestApply::args(std::vector<std::string> words) {
    words.push_back("--config");
    words.push_back(host_.config_path());
    return words;
}

ProcessResult ManifestApply::run(const std::vector<std::string>& words) {
    ProcessResult result =
        taskhost_test::run_taskhost(args(words), {{"TASKHOST_TEST_KEY", kCanaryKey}});
    EXPECT_EQ(result.out.find(kCanaryKey), std::string::npos) << result.out;
    EXPECT_EQ(result.err.find(kCanaryKey), std::string::npos) << result.err;
    return result;
}

std::map<int64_t, int> ManifestApply::accepted_per_domain() {
    std::map<int64_t, int> counts;
    for (const sandbox::AcceptedResend& resend : server_->accepted_resends()) {
        ++counts[resend.domain_id];
    }
    return counts;
}

namespace {

// The names of the ledger's journal entries that `where` (SQL) accepts, read straight from the
// SQLite file the apply wrote (another process, as a second apply would).
std::set<std::string> journal_names(const std::string& file, const std::string& where) {
    std::set<std::string> names;
    if (!fs::exists(file)) {
        return names;
    }
    Poco::Data::SQLite::Connector::registerConnector();
    Poco::Data::Session db("SQLite", file);
    std::vector<std::string> found;
    db << "SELECT name FROM taskhost_journal WHERE " + where, Poco::Data::Keywords::into(found),
        Poco::Data::Keywords::now;
    names.insert(found.begin(), found.end());
    return names;
}

}  // namespace

std::set<std::string> ManifestApply::completed_in_journal() {
    return journal_names(host_.root() + "/state/ledger.sqlite",
                         "last_sent_at > 0 AND sending_since = 0");
}

std::set<std::string> ManifestApply::in_doubt_in_journal() {
    return journal_names(host_.root() + "/state/ledger.sqlite", "sending_since > 0");
}

}  // namespace taskhost
