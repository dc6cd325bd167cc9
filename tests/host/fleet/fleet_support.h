// What the fleet suite shares: a DigiCert sandbox enforcing scaled-down rate limits (20 per 1 s
// and 100 per 10 s, as pacing_bench), a "host" (a private directory with the real plugin, a
// config, a state directory, a daemon socket and an audit log) that runs the built taskhost as
// real processes, and readers for --json output and the sandbox's record.
#pragma once

#include <Poco/JSON/Object.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "cli/daemon_client.h"
#include "dcv_sandbox_support.h"
#include "host_test_support.h"
#include "pacing/rate_window.h"
#include "postgres_database.h"
#include "sandbox_server.h"

namespace taskhost_fleet {

using Poco::JSON::Object;

// The environment variable the accounts read the key from; its value is always the canary.
constexpr const char* kKeyEnv = "TASKHOST_TEST_KEY";

// 20 per 1 s and 100 per 10 s: what the sandbox enforces and what the account declares.
std::vector<taskhost::RateWindow> fleet_windows();

// A sandbox holding domains first_id .. first_id + count - 1 ("dI.example.com"), taking the
// canary key as a manager's and enforcing fleet_windows() (over either, 429 for every request
// during the lockout).
sandbox::SandboxOptions limited_sandbox(int64_t first_id, int count);

// The config's "accounts": one account "sandbox" on `server`, key in kKeyEnv; with
// `rate_limits`, the account declares fleet_windows() instead of DigiCert's published windows.
std::string fleet_accounts(const sandbox::SandboxServer& server, bool rate_limits);

// The config's "ledger" value for `db`: unix socket, user taskhost_test, no password.
std::string postgres_ledger(const taskhost_test::PostgresDatabase& db);

// A --json run's lines, its tasks by name, its summary (host_test_support.h).
using taskhost_test::by_name;
using taskhost_test::json_lines;
using taskhost_test::summary_of;

// How many resends the sandbox accepted per domain id.
std::map<int64_t, int> accepted_per_domain(const sandbox::SandboxServer& server);

// Fails the test when `text` holds the canary key.
void expect_no_canary(const std::string& text, const std::string& what);

// Runs SQL `query` (one text column) on `db` and returns the values.
std::set<std::string> query_names(const taskhost_test::PostgresDatabase& db,
                                  const std::string& query);

struct HostOptions {
    std::string accounts;       // the "accounts" object
    std::string ledger;         // the "ledger" value; empty: SQLite in the state directory
    std::string daemon = "{}";  // extra members of the "daemon" object (socket, audit log added)
};

// One host of the fleet: a directory with plugins/ (the real digicert_dcv.so), config.json,
// state/, d.sock and audit.log. Commands run the built taskhost with the canary key in kKeyEnv.
class FleetHost {
  public:
    explicit FleetHost(const HostOptions& options);
    ~FleetHost();

    const std::string& root() const { return dir_.path(); }
    std::string config_path() const { return dir_ / "config.json"; }
    std::string socket_path() const { return dir_ / "d.sock"; }
    std::string audit_path() const { return dir_ / "audit.log"; }

    // A taskhost command with --config appended, run to its end; checks its output for the key.
    taskhost_test::ProcessResult run(std::vector<std::string> args) const;
    // The same, started and left running.
    std::unique_ptr<taskhost_test::TaskhostProcess> start(std::vector<std::string> args) const;

    // `taskhost serve`: true once it says it is ready (a sanity bound of 30 s).
    bool serve();
    taskhost_test::TaskhostProcess& daemon() { return *daemon_; }
    // SIGTERM and reap; its stderr and exit code (the stderr and the audit log are checked for
    // the key).
    taskhost_test::ProcessResult stop();

    // POST /v1/tasks to this host's daemon; a transport error is an http_status of 0 with the
    // error in the body.
    taskhost::DaemonAnswer post_task(const std::string& body) const;

  private:
    taskhost_test::TempDir dir_;
    std::unique_ptr<taskhost_test::TaskhostProcess> daemon_;
};

}  // namespace taskhost_fleet
