// Fleet.OneHostOneKey (issue 8): every caller on one host shares one SQLite ledger, so one key's
// journal and pacing budget. Three applies of the same 120-task manifest (the second started
// while the first runs, the third as soon as the first ends) and a daemon serving 30 API tasks
// at the same time, all on one key, against a sandbox that enforces 20 per 1 s and 100 per 10 s:
// no request over a window (no 429), every domain mailed exactly once, and the applies'
// summaries add up (the 120 sends split between them; everything else skipped, within_interval
// or in_progress).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <future>
#include <thread>

#include "daemon_test_support.h"
#include "fleet_support.h"

namespace taskhost_fleet {
namespace {

using taskhost_test::ProcessResult;
using taskhost_test::TaskhostProcess;

constexpr int64_t kFirstDomain = 8100000;
constexpr int kManifestTasks = 120;
constexpr int kApiTasks = 30;  // domains kFirstDomain + 120 .. + 149

std::string manifest_text() {
    std::string text =
        R"({"version": 1, "defaults": {"account": "sandbox", "resend_interval": "24h"},)"
        "\n \"tasks\": [";
    for (int i = 0; i < kManifestTasks; ++i) {
        text += std::string(i ? ",\n  " : "\n  ") + R"({"name": "d)" + std::to_string(i) +
                R"(", "task": "digicert.dcv.resend", "params": {"domain_id": )" +
                std::to_string(kFirstDomain + i) + "}}";
    }
    return text + "]}\n";
}

std::string api_task(int64_t domain_id) {
    return R"({"task": "digicert.dcv.resend", "account": "sandbox", "resend_interval": "24h",)"
           R"( "params": {"domain_id": )" +
           std::to_string(domain_id) + "}}";
}

struct ApiResult {
    int http_status = 0;
    std::string status;
    bool changed = false;
    std::string body;
};

ApiResult api_result(const taskhost::DaemonAnswer& answer) {
    ApiResult result{answer.http_status, "", false, answer.body};
    if (answer.http_status == 200 || answer.http_status == 422) {
        const Object::Ptr outcome = taskhost_test::parse_json(answer.body);
        result.status = outcome->optValue<std::string>("status", "");
        result.changed = outcome->optValue<bool>("changed", false);
    }
    return result;
}

// One apply's --json output: every task has a line, none failed, and each line that did not send
// was skipped for the ledger's reasons only. Returns the summary's "sent".
int check_apply(const ProcessResult& apply, const std::string& label) {
    SCOPED_TRACE(label);
    EXPECT_EQ(apply.exit_code, 0) << apply.err.substr(0, 4000);
    const Object::Ptr summary = summary_of(apply.out);
    if (!summary) {
        ADD_FAILURE() << label << " printed no summary: " << apply.out.substr(0, 2000)
                      << apply.err.substr(0, 2000);
        return 0;
    }
    const int sent = summary->getValue<int>("sent");
    const int unchanged = summary->getValue<int>("unchanged");
    EXPECT_EQ(summary->getValue<int>("tasks"), kManifestTasks);
    EXPECT_EQ(sent + unchanged, kManifestTasks);
    EXPECT_EQ(summary->getValue<int>("failed"), 0);
    EXPECT_EQ(summary->getValue<int>("invalid"), 0);
    EXPECT_EQ(summary->getValue<int>("in_doubt"), 0);
    const auto tasks = by_name(apply.out);
    EXPECT_EQ(tasks.size(), static_cast<size_t>(kManifestTasks));
    int changed = 0;
    std::map<std::string, int> reasons;
    for (const auto& [name, line] : tasks) {
        if (line->getValue<bool>("changed")) {
            ++changed;
            EXPECT_EQ(line->getValue<std::string>("status"), "succeeded") << name;
            continue;
        }
        const std::string reason = line->getValue<std::string>("reason");
        ++reasons[reason];
        EXPECT_EQ(line->getValue<std::string>("status"), "skipped") << name;
        EXPECT_TRUE(reason == "within_interval" || reason == "in_progress")
            << name << " was not sent for reason " << reason;
    }
    EXPECT_EQ(changed, sent);
    std::printf("  %-14s sent %3d, unchanged %3d (in_progress %d, within_interval %d)\n",
                label.c_str(), sent, unchanged, reasons["in_progress"], reasons["within_interval"]);
    return sent;
}

TEST(Fleet, OneHostOneKey) {
    sandbox::SandboxServer server(limited_sandbox(kFirstDomain, kManifestTasks + kApiTasks));
    HostOptions options;
    options.accounts = fleet_accounts(server, true);
    options.daemon = R"({"max_concurrency": 4})";
    FleetHost host(options);
    const std::string manifest = host.root() + "/m.json";
    taskhost_test::write_file(manifest, manifest_text());
    ASSERT_TRUE(host.serve()) << host.daemon().err();

    const auto started = std::chrono::steady_clock::now();
    std::unique_ptr<TaskhostProcess> first = host.start({"apply", manifest, "--json"});
    // The daemon's clients: one loop of 30 tasks on distinct domains, all through the time the
    // applies run.
    std::future<std::vector<ApiResult>> api = std::async(std::launch::async, [&host] {
        std::vector<ApiResult> results;
        for (int i = 0; i < kApiTasks; ++i) {
            results.push_back(
                api_result(host.post_task(api_task(kFirstDomain + kManifestTasks + i))));
        }
        return results;
    });
    // The second apply starts while the first is sending (a sanity bound of 30 s).
    for (int i = 0; i < 3000 && server.accepted_resends().size() < 20; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::unique_ptr<TaskhostProcess> second = host.start({"apply", manifest, "--json"});
    const ProcessResult first_done = first->finish(std::chrono::seconds(120));
    std::unique_ptr<TaskhostProcess> third = host.start({"apply", manifest, "--json"});
    const ProcessResult second_done = second->finish(std::chrono::seconds(120));
    const ProcessResult third_done = third->finish(std::chrono::seconds(120));
    const std::vector<ApiResult> api_results = api.get();
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

    for (const ProcessResult* apply : {&first_done, &second_done, &third_done}) {
        expect_no_canary(apply->out, "an apply's stdout");
        expect_no_canary(apply->err, "an apply's stderr");
    }
    std::printf("Fleet.OneHostOneKey: %d manifest tasks x 3 applies + %d API tasks, limits %s\n",
                kManifestTasks, kApiTasks, taskhost::describe_windows(fleet_windows()).c_str());
    const int sent = check_apply(first_done, "first apply") +
                     check_apply(second_done, "second apply") +
                     check_apply(third_done, "third apply");
    EXPECT_EQ(sent, kManifestTasks) << "the applies' sends do not add up to the manifest";

    int api_sent = 0;
    for (size_t i = 0; i < api_results.size(); ++i) {
        const ApiResult& r = api_results[i];
        EXPECT_EQ(r.http_status, 200) << "API task " << i << ": " << r.body.substr(0, 2000);
        EXPECT_EQ(r.status, "succeeded") << "API task " << i << ": " << r.body.substr(0, 2000);
        api_sent += r.changed ? 1 : 0;
        expect_no_canary(r.body, "an API answer");
    }
    EXPECT_EQ(api_sent, kApiTasks);

    const size_t throttled = server.rate_limited_count();
    const auto counts = accepted_per_domain(server);
    int once = 0;
    std::string not_once;
    for (int i = 0; i < kManifestTasks + kApiTasks; ++i) {
        const auto found = counts.find(kFirstDomain + i);
        const int accepted = found == counts.end() ? 0 : found->second;
        if (accepted == 1) {
            ++once;
        } else if (not_once.size() < 400) {
            not_once += " " + std::to_string(kFirstDomain + i) + " x" + std::to_string(accepted);
        }
    }
    std::printf("  requests %zu, resends accepted %zu, 429 responses %zu\n",
                server.requests().size(), server.accepted_resends().size(), throttled);
    std::printf("  domains accepted exactly once %d of %d; API tasks sent %d\n", once,
                kManifestTasks + kApiTasks, api_sent);
    std::printf("  elapsed %.2f s (first apply's start to the last caller's end)\n", elapsed);
    EXPECT_EQ(throttled, 0u) << "a request went out past the shared budget";
    EXPECT_EQ(once, kManifestTasks + kApiTasks) << "not accepted exactly once:" << not_once;

    // The daemon converges too: the same API task again is within its interval, not sent.
    const ApiResult again = api_result(host.post_task(api_task(kFirstDomain + kManifestTasks)));
    EXPECT_EQ(again.http_status, 200) << again.body;
    EXPECT_EQ(again.status, "skipped") << again.body;
    EXPECT_FALSE(again.changed) << again.body;
    EXPECT_NE(again.body.find("within_interval"), std::string::npos) << again.body;
    EXPECT_EQ(server.accepted_resends().size(), static_cast<size_t>(kManifestTasks + kApiTasks));

    const ProcessResult history =
        host.run({"history", "--domain", std::to_string(kFirstDomain), "--json"});
    EXPECT_EQ(history.exit_code, 0) << history.err;
    int succeeded = 0;
    for (const Object::Ptr& line : json_lines(history.out)) {
        const Poco::JSON::Array::Ptr rows = line->getArray("history");
        for (size_t i = 0; rows && i < rows->size(); ++i) {
            const Object::Ptr row = rows->getObject(i);
            if (row->getValue<std::string>("status") == "succeeded") {
                ++succeeded;
                EXPECT_EQ(row->getValue<std::string>("source"), "apply");
            }
        }
    }
    EXPECT_EQ(succeeded, 1) << history.out;
    const ProcessResult stopped = host.stop();
    EXPECT_EQ(stopped.exit_code, 0) << stopped.err.substr(0, 4000);
}

}  // namespace
}  // namespace taskhost_fleet
