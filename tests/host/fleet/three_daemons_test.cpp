// Fleet.ThreeDaemonsShareOnePostgresLedger (issue 8): three `taskhost serve` processes, each with
// its own state directory and socket (three hosts, as far as taskhost can tell), one PostgreSQL
// ledger, one account and key. Clients post 600 tasks on 600 distinct domains to the three
// daemons at once; the sandbox enforces 20 per 1 s and 100 per 10 s. The fleet shares one
// pacing budget through the ledger, so: no 429, every domain accepted exactly once, and the
// whole run within 1.15x of the shortest time the windows allow for 600 requests. One host's
// `taskhost history` then shows a domain's one send with its host name and source "api".
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <thread>

#include "daemon_test_support.h"
#include "fleet_support.h"
#include "pacing/bucket_schedule.h"

namespace taskhost_fleet {
namespace {

using taskhost_test::ProcessResult;

constexpr int64_t kFirstDomain = 8200000;
constexpr int kTasks = 600;
constexpr int kDaemons = 3;
constexpr int kClientsPerDaemon = 6;  // requests in flight to each daemon at any moment
constexpr double kMaxRatio = 1.15;

// The host pacer's margin (host/pacing/host_pacer.h, safety_margin): it widens every window by
// 50 ms, so the fastest schedule the fleet may keep is the greedy one with that margin. With
// these windows the last of 600 turns waits on a chain of nine full windows (five of 100/10 s,
// four of 20/1 s), so the margin adds 9 x 50 ms = 0.45 s to the 54 s of the ideal schedule.
constexpr std::chrono::milliseconds kPacerMargin{50};

std::chrono::milliseconds shortest_with_margin(const std::vector<taskhost::RateWindow>& windows,
                                               size_t count) {
    taskhost::BucketSchedule schedule(windows, kPacerMargin, taskhost::BucketSchedule::Backoff{});
    const taskhost::BucketSchedule::TimePoint zero{};
    taskhost::BucketSchedule::TimePoint at = zero;
    for (size_t i = 0; i < count; ++i) {
        at = schedule.next_turn(zero);
        schedule.complete(schedule.grant(at), at);
    }
    return std::chrono::duration_cast<std::chrono::milliseconds>(at - zero);
}

std::string api_task(int64_t domain_id) {
    return R"({"task": "digicert.dcv.resend", "account": "sandbox", "resend_interval": "24h",)"
           R"( "params": {"domain_id": )" +
           std::to_string(domain_id) + "}}";
}

struct Answer {
    int index = 0;
    int daemon = 0;
    taskhost::DaemonAnswer answer;
};

TEST(Fleet, ThreeDaemonsShareOnePostgresLedger) {
    taskhost_test::PostgresDatabase db;
    sandbox::SandboxServer server(limited_sandbox(kFirstDomain, kTasks));
    HostOptions options;
    options.accounts = fleet_accounts(server, true);
    options.ledger = postgres_ledger(db);
    options.daemon = R"({"max_concurrency": 8, "max_queue": 64, "drain_timeout_ms": 2000})";
    std::array<std::unique_ptr<FleetHost>, kDaemons> hosts;
    for (auto& host : hosts) {
        host = std::make_unique<FleetHost>(options);
    }
    const ProcessResult migrated = hosts[0]->run({"ledger", "migrate"});
    ASSERT_EQ(migrated.exit_code, 0) << migrated.out << migrated.err;
    for (auto& host : hosts) {
        ASSERT_TRUE(host->serve()) << host->daemon().err();
    }

    const std::vector<taskhost::RateWindow> windows = fleet_windows();
    const double shortest =
        std::chrono::duration<double>(taskhost::shortest_schedule(windows, kTasks).back()).count();
    const double with_margin =
        std::chrono::duration<double>(shortest_with_margin(windows, kTasks)).count();

    // Daemon d gets the domains i with i % 3 == d; kClientsPerDaemon client threads post them,
    // each waiting for its answer before posting the next.
    std::vector<Answer> answers(kTasks);
    std::array<std::atomic<int>, kDaemons> next{};
    std::atomic<bool> abort{false};
    std::atomic<bool> done{false};
    std::vector<std::thread> clients;
    const auto started = std::chrono::steady_clock::now();
    for (int d = 0; d < kDaemons; ++d) {
        for (int c = 0; c < kClientsPerDaemon; ++c) {
            clients.emplace_back([&, d] {
                while (!abort) {
                    const int index = d + kDaemons * next[d]++;
                    if (index >= kTasks) {
                        return;
                    }
                    answers[index] =
                        Answer{index, d, hosts[d]->post_task(api_task(kFirstDomain + index))};
                }
            });
        }
    }
    // Fail fast: after a 429 the sandbox locks the key out and the pacer's holds double (5 s,
    // 10 s, 20 s, ...), so the run could outlast the test's timeout. At the first 429, or once
    // the run is past twice its bound, the daemons are stopped (drain_timeout_ms 2000: waiting
    // tasks are cancelled) and the clients post nothing more.
    std::string aborted;
    std::thread monitor([&] {
        const auto limit = std::chrono::duration<double>(2 * kMaxRatio * with_margin);
        while (!done) {
            if (server.rate_limited_count() > 0) {
                aborted = "the sandbox answered 429 after " +
                          std::to_string(server.accepted_resends().size()) + " resends";
            } else if (std::chrono::steady_clock::now() - started > limit) {
                aborted = "the run took more than twice its bound";
            }
            if (!aborted.empty()) {
                abort = true;
                for (auto& host : hosts) {
                    host->daemon().send_signal(SIGTERM);
                }
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    });
    for (std::thread& client : clients) {
        client.join();
    }
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    done = true;
    monitor.join();
    const double ratio = elapsed / with_margin;
    const size_t throttled = server.rate_limited_count();
    const auto counts = accepted_per_domain(server);

    // Every answer: 200, succeeded, changed. Failures are counted and the first few shown, so a
    // broken run reports in a screenful.
    int succeeded = 0;
    int not_posted = 0;
    std::array<int, kDaemons> per_daemon{};
    std::vector<std::string> bad_answers;
    for (int i = 0; i < kTasks; ++i) {
        const Answer& a = answers[i];
        expect_no_canary(a.answer.body, "an API answer");
        if (a.answer.http_status == 0 && a.answer.body.empty()) {
            ++not_posted;
            continue;
        }
        const bool ok =
            a.answer.http_status == 200 &&
            taskhost_test::parse_json(a.answer.body)->optValue<std::string>("status", "") ==
                "succeeded" &&
            taskhost_test::parse_json(a.answer.body)->optValue<bool>("changed", false);
        if (ok) {
            ++succeeded;
            ++per_daemon[a.daemon];
        } else {
            bad_answers.push_back(
                "task " + std::to_string(i) + " on daemon " + std::to_string(a.daemon) + ": HTTP " +
                std::to_string(a.answer.http_status) + " " + a.answer.body.substr(0, 300));
        }
    }
    // Every domain accepted by the sandbox exactly once.
    int once = 0;
    std::vector<std::string> not_once;
    for (int i = 0; i < kTasks; ++i) {
        const auto found = counts.find(kFirstDomain + i);
        const int accepted = found == counts.end() ? 0 : found->second;
        if (accepted == 1) {
            ++once;
        } else {
            not_once.push_back(std::to_string(kFirstDomain + i) + " x" + std::to_string(accepted));
        }
    }
    const auto first_of = [](const std::vector<std::string>& list) {
        std::string text;
        for (size_t i = 0; i < list.size() && i < 5; ++i) {
            text += "\n    " + list[i];
        }
        return text;
    };

    std::printf(
        "Fleet.ThreeDaemonsShareOnePostgresLedger: %d tasks over %d daemons (%d clients "
        "each), one PostgreSQL ledger, limits %s\n",
        kTasks, kDaemons, kClientsPerDaemon, taskhost::describe_windows(windows).c_str());
    std::printf("  requests %zu, resends accepted %zu, 429 responses %zu\n",
                server.requests().size(), server.accepted_resends().size(), throttled);
    std::printf(
        "  succeeded %d (per daemon %d / %d / %d), not posted %d; domains accepted "
        "exactly once %d of %d\n",
        succeeded, per_daemon[0], per_daemon[1], per_daemon[2], not_posted, once, kTasks);
    std::printf("  elapsed            %.2f s (first POST to last answer)\n", elapsed);
    std::printf("  shortest possible  %.2f s (ideal), %.2f s with the pacer's 50 ms margin\n",
                shortest, with_margin);
    std::printf("  ratio              %.3f (limit %.2f; %.3f against the ideal)\n", ratio,
                kMaxRatio, elapsed / shortest);

    EXPECT_TRUE(aborted.empty()) << "stopped early: " << aborted;
    EXPECT_EQ(throttled, 0u) << "a request went out past the fleet's shared budget";
    EXPECT_EQ(succeeded, kTasks) << bad_answers.size() << " bad answers, " << not_posted
                                 << " not posted" << first_of(bad_answers);
    EXPECT_EQ(once, kTasks) << not_once.size() << " domains not accepted exactly once"
                            << first_of(not_once);
    if (aborted.empty()) {
        EXPECT_LE(ratio, kMaxRatio)
            << "slower than " << kMaxRatio << "x the shortest time the limits allow";
    }

    // One host's history shows a domain sent by another: the one send, its host, source "api",
    // and the client's pid (the daemon records its caller's).
    const int64_t domain = kFirstDomain + 1;  // posted to daemon 1
    const ProcessResult history =
        hosts[2]->run({"history", "--domain", std::to_string(domain), "--json"});
    ASSERT_EQ(history.exit_code, 0) << history.err;
    char host_name[256] = {};
    ::gethostname(host_name, sizeof host_name - 1);
    int sends = 0;
    for (const Object::Ptr& line : json_lines(history.out)) {
        const Poco::JSON::Array::Ptr rows = line->getArray("history");
        ASSERT_TRUE(rows) << history.out;
        for (size_t i = 0; i < rows->size(); ++i) {
            const Object::Ptr row = rows->getObject(i);
            ++sends;
            EXPECT_EQ(row->getValue<std::string>("status"), "succeeded") << history.out;
            EXPECT_EQ(row->getValue<std::string>("source"), "api") << history.out;
            EXPECT_EQ(row->getValue<std::string>("host"), std::string(host_name)) << history.out;
            EXPECT_EQ(row->getValue<int64_t>("pid"), static_cast<int64_t>(::getpid()))
                << history.out;
            EXPECT_EQ(row->getObject("subject")->getValue<std::string>("id"),
                      std::to_string(domain))
                << history.out;
            EXPECT_FALSE(row->getValue<bool>("in_doubt")) << history.out;
        }
    }
    EXPECT_EQ(sends, 1) << history.out;

    for (auto& host : hosts) {
        const std::string audit = taskhost_test::read_file(host->audit_path());
        EXPECT_NE(audit.find("\"source\":\"api\""), std::string::npos) << audit.substr(0, 2000);
        const ProcessResult stopped = host->stop();
        EXPECT_EQ(stopped.exit_code, 0) << stopped.err.substr(0, 4000);
    }
}

}  // namespace
}  // namespace taskhost_fleet
