// ledger_cost_bench: what the ledger costs per task, beside the request itself (issue 8).
//
// Opens the ledger a config names, as `taskhost apply` does (open_ledger, read-write), and runs
// from THREADS threads, for TASKS distinct task identities, the ledger calls the task runner and
// the host pacer make around one request of an apply:
//   journal  claim() then complete()          (the intent, durable before the send; the completion
//                                              and its history row, committed after)
//   budget   await_room() + take() + turn complete() on the shared pacing budget (apply's gate
//            and one turn per request), without the journal
//   full     await_room() + claim() + take() + turn complete() + complete(): both, as apply
//            makes them around a task of one request (on SQLite the budget's connection and
//            the journal's then contend for the database's one write lock)
// The budget's bucket is "api_key:bench" with one window of 1000000 per 1 s: never full.
// `--backend none` runs the same loop with no ledger call (what the loop itself costs).
// `--put BASE_URL CA_FILE KEY_FILE FIRST_ID DOMAINS` makes each task of the full mode send the
// DCV resend PUT between its turn and its completion, as the plugin does, through a kept-alive
// Poco HTTPSClientSession per thread (task i resends FIRST_ID + i % DOMAINS, named
// d<i % DOMAINS>.bench.example): apply's floor with its record, what any apply that keeps this
// ledger's promises (a durable intent before each send) can reach, with no plugin, no JSON and
// no manifest. A task whose answer is not 204 is a failure. The key is read from its file.
// Prints one line per mode, key=value, with the wall time per task (amortised over the threads:
// what it takes from an apply's throughput) and the mean latency of one task's calls.
//
//   ledger_cost_bench --config FILE [--state-dir DIR] [--backend none|ledger]
//                     [--tasks N] [--threads N] [--mode all|journal|budget|full]
//                     [--put BASE_URL CA_FILE KEY_FILE FIRST_ID DOMAINS]
//
// Identities are fresh per run (a random prefix), so every claim is "never_sent" and writes an
// intent, as a first apply's would. Run it against a throwaway state dir or database: it leaves
// the journal and history rows of the journal and full modes behind.
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/URI.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "config/host_config.h"
#include "ledger/journal_key.h"
#include "ledger/open_ledger.h"
#include "ledger/process_identity.h"
#include "ledger/sql_ledger.h"
#include "resend_put.h"

namespace {

using namespace taskhost;
using Clock = std::chrono::steady_clock;

struct Options {
    std::string config;
    std::string state_dir;
    bool none = false;
    int tasks = 1000;
    int threads = 16;
    std::string mode = "all";
    // --put
    std::string put_base;
    std::string put_ca;
    std::string put_key_file;
    long put_first_id = 0;
    int put_domains = 0;
};

[[noreturn]] void usage(int code) {
    std::fprintf(
        code ? stderr : stdout,
        "usage: ledger_cost_bench --config FILE [--state-dir DIR] [--backend none|ledger]\n"
        "                         [--tasks N] [--threads N] [--mode all|journal|budget|full]\n"
        "                         [--put BASE_URL CA_FILE KEY_FILE FIRST_ID DOMAINS]\n");
    std::exit(code);
}

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        if (flag == "-h" || flag == "--help") {
            usage(0);
        }
        if (flag == "--put") {
            if (i + 5 >= argc) {
                usage(2);
            }
            o.put_base = argv[++i];
            o.put_ca = argv[++i];
            o.put_key_file = argv[++i];
            o.put_first_id = std::atol(argv[++i]);
            o.put_domains = std::atoi(argv[++i]);
            if (o.put_domains <= 0) {
                usage(2);
            }
            continue;
        }
        if (i + 1 >= argc) {
            usage(2);
        }
        const std::string value = argv[++i];
        if (flag == "--config") {
            o.config = value;
        } else if (flag == "--state-dir") {
            o.state_dir = value;
        } else if (flag == "--backend") {
            o.none = value == "none";
        } else if (flag == "--tasks") {
            o.tasks = std::atoi(value.c_str());
        } else if (flag == "--threads") {
            o.threads = std::atoi(value.c_str());
        } else if (flag == "--mode") {
            o.mode = value;
        } else {
            usage(2);
        }
    }
    if (o.config.empty() || o.tasks <= 0 || o.threads <= 0) {
        usage(2);
    }
    return o;
}

TaskIdentity identity_of(const std::string& prefix, int i) {
    TaskIdentity id;
    id.account = "bench";
    id.task = "digicert.dcv.resend";
    const std::string domain = "d" + std::to_string(i) + "." + prefix + ".example";
    id.canonical_params = "{\"domain_id\":" + std::to_string(9000000 + i) +
                          ",\"email_array\":[\"admin@" + domain +
                          "\"],\"locale\":\"en\",\"name_scope\":\"" + domain + "\"}";
    id.key = journal_key(id.account, id.task, id.canonical_params);
    id.params_digest = params_digest(id.canonical_params);
    id.manifest = "/bench/ledger_cost.json";
    id.name = "t" + std::to_string(i);
    id.subject_id = std::to_string(9000000 + i);
    return id;
}

struct Totals {
    double wall_s = 0;
    double latency_us = 0;  // mean, per task
    int failures = 0;
};

// Runs `work(i)` for every task from `threads` threads; each returns false on a failure.
template <typename Work>
Totals run_threads(int tasks, int threads, Work work) {
    std::vector<double> latency(threads, 0);
    std::vector<int> failures(threads, 0);
    std::vector<std::thread> pool;
    const Clock::time_point started = Clock::now();
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            for (int i = t; i < tasks; i += threads) {
                const Clock::time_point begun = Clock::now();
                if (!work(i)) {
                    ++failures[t];
                }
                latency[t] +=
                    std::chrono::duration<double, std::micro>(Clock::now() - begun).count();
            }
        });
    }
    for (std::thread& thread : pool) {
        thread.join();
    }
    Totals totals;
    totals.wall_s = std::chrono::duration<double>(Clock::now() - started).count();
    for (int t = 0; t < threads; ++t) {
        totals.latency_us += latency[t];
        totals.failures += failures[t];
    }
    totals.latency_us /= tasks;
    return totals;
}

enum class Mode { kJournal, kBudget, kFull };

// The resend PUT of --put, on one kept-alive session per thread.
class PutTarget {
  public:
    explicit PutTarget(const Options& o)
        : base_(o.put_base), first_id_(o.put_first_id), domains_(o.put_domains) {
        context_ = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", o.put_ca,
                                          Poco::Net::Context::VERIFY_RELAXED);
        std::ifstream(o.put_key_file) >> key_;
    }
    bool send(int i) const {
        thread_local std::unique_ptr<Poco::Net::HTTPSClientSession> session;
        if (!session) {
            session = std::make_unique<Poco::Net::HTTPSClientSession>(base_.getHost(),
                                                                      base_.getPort(), context_);
            session->setKeepAlive(true);
        }
        const int domain = i % domains_;
        try {
            return bench::put_resend(*session, base_.getPath(), key_,
                                     std::to_string(first_id_ + domain),
                                     "d" + std::to_string(domain) + ".bench.example") ==
                   Poco::Net::HTTPResponse::HTTP_NO_CONTENT;
        } catch (const std::exception& error) {
            std::fprintf(stderr, "ledger_cost_bench: the PUT failed: %s\n", error.what());
            session.reset();
            return false;
        }
    }

  private:
    Poco::URI base_;
    long first_id_;
    int domains_;
    Poco::Net::Context::Ptr context_;
    std::string key_;
};

bool one_task(Ledger& ledger, const TaskIdentity& identity, Mode mode, const PutTarget* put,
              int i) {
    const ResendPolicy policy{std::chrono::hours(24), false};
    const Caller caller = [] {
        Caller c = this_process_caller(TaskSource::kApply, "bench");
        c.owner = this_process_owner();
        return c;
    }();
    const std::string bucket = "api_key:bench";
    const std::vector<RateWindow> windows = {{1000000, std::chrono::seconds(1)}};
    SharedBudget* budget = mode == Mode::kJournal ? nullptr : ledger.budget();
    if (mode != Mode::kJournal && budget == nullptr) {
        return false;
    }
    if (budget != nullptr &&
        budget->await_room(bucket, windows, nullptr) != SharedBudget::Turn::kGo) {
        return false;
    }
    std::optional<LedgerVerdict> claimed;
    if (mode != Mode::kBudget) {
        Result<LedgerVerdict> verdict = ledger.claim(identity, policy, caller);
        if (!verdict.ok() || verdict.value().action != LedgerVerdict::Action::kSend) {
            return false;
        }
        claimed = verdict.value();
    }
    uint64_t turn = 0;
    if (budget != nullptr) {
        if (budget->take(bucket, windows, nullptr, std::nullopt, &turn) !=
            SharedBudget::Turn::kGo) {
            return false;
        }
    }
    const bool answered = put == nullptr || put->send(i);
    if (budget != nullptr) {
        budget->complete(bucket, turn);
    }
    if (!claimed) {
        return answered;
    }
    Completion completion;
    completion.status = "succeeded";
    completion.sent = true;
    completion.msg = "DCV emails resent";
    return !ledger.complete(identity, *claimed, caller, completion) && answered;
}

void print(const char* backend, const char* mode, const Options& o, const Totals& t,
           const std::string& extra) {
    std::printf(
        "backend=%s mode=%s tasks=%d threads=%d wall_s=%.3f us_per_task=%.1f "
        "latency_us=%.1f failures=%d%s\n",
        backend, mode, o.tasks, o.threads, t.wall_s, t.wall_s * 1e6 / o.tasks, t.latency_us,
        t.failures, extra.c_str());
}

}  // namespace

int main(int argc, char** argv) {
    const Options o = parse(argc, argv);
    std::random_device random;
    const std::string prefix = "r" + std::to_string(random()) + std::to_string(random());

    std::vector<TaskIdentity> identities;
    identities.reserve(o.tasks * 3);
    for (int i = 0; i < o.tasks * 3; ++i) {
        identities.push_back(identity_of(prefix, i));
    }

    if (o.none) {
        // The loop without the ledger: what the task runner does without one (nothing; the
        // identity and the caller are made only for a ledger).
        const Totals t =
            run_threads(o.tasks, o.threads, [&](int i) { return !identities[i].key.empty(); });
        print("none", "none", o, t, "");
        return t.failures == 0 ? 0 : 1;
    }

    Result<HostConfig> config = load_host_config(o.config);
    if (!config.ok()) {
        std::fprintf(stderr, "ledger_cost_bench: %s\n", config.error().text().c_str());
        return 2;
    }
    Result<OpenedLedger> opened =
        open_ledger(config.value(), o.state_dir, LedgerAccess::kReadWrite);
    if (!opened.ok()) {
        std::fprintf(stderr, "ledger_cost_bench: %s\n", opened.error().text().c_str());
        return 2;
    }
    Ledger& ledger = *opened.value().ledger;
    const bool postgres = config.value().ledger.backend == LedgerSettings::Backend::kPostgresql;
    const char* backend = postgres ? "postgresql" : "sqlite";
    const auto* sql = dynamic_cast<const SqlLedger*>(&ledger);

    const std::unique_ptr<PutTarget> put =
        o.put_base.empty() ? nullptr : std::make_unique<PutTarget>(o);
    int failures = 0;
    int offset = 0;
    const std::pair<const char*, Mode> modes[] = {
        {"journal", Mode::kJournal}, {"budget", Mode::kBudget}, {"full", Mode::kFull}};
    for (const auto& [name, mode] : modes) {
        if (o.mode != "all" && o.mode != name) {
            continue;
        }
        const uint64_t commits_before = sql ? sql->commits().commits() : 0;
        const uint64_t writes_before = sql ? sql->commits().writes() : 0;
        const Totals t = run_threads(o.tasks, o.threads, [&](int i) {
            return one_task(ledger, identities[offset + i], mode,
                            mode == Mode::kFull ? put.get() : nullptr, i);
        });
        std::string extra;
        if (sql != nullptr) {
            const uint64_t commits = sql->commits().commits() - commits_before;
            const uint64_t writes = sql->commits().writes() - writes_before;
            char text[96];
            std::snprintf(text, sizeof text, " commits=%llu writes_per_commit=%.2f",
                          static_cast<unsigned long long>(commits),
                          commits ? static_cast<double>(writes) / commits : 0.0);
            extra = text;
        }
        print(backend, name, o, t, mode == Mode::kBudget ? std::string() : extra);
        failures += t.failures;
        offset += o.tasks;
    }
    return failures == 0 ? 0 : 1;
}
