// What the daemon tests share: a real `taskhost serve` process on a unix socket in a private
// directory, with test plugins installed the way operators do it (temp file + rename), and a
// client that speaks to it over the socket.
#pragma once

#include <Poco/JSON/Object.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <utility>

#include "cli/daemon_client.h"
#include "host_test_support.h"

namespace taskhost_test {

// Installs test plugin `name` into `dir` as `as` the safe way: a dot-named temp file, then
// rename over the target (never overwriting a mapped library in place).
void install_plugin_atomically(const std::string& dir, const std::string& name,
                               const std::string& as);

Poco::JSON::Object::Ptr parse_json(const std::string& text);

struct DaemonOptions {
    std::string daemon_json = "{}";  // the config's "daemon" section (socket is added)
    std::string accounts_json;       // empty: one account "sandbox" keyed by TASKHOST_TEST_KEY
    std::string state_dir;           // the config's "state_dir" (manifest journals), if set
    std::map<std::string, std::string> env{{"TASKHOST_TEST_KEY", kCanaryKey}};
};

// A directory with plugins/, config.json and the socket; the daemon runs as a subprocess.
class DaemonUnderTest {
  public:
    DaemonUnderTest();
    ~DaemonUnderTest();  // SIGKILL if still running

    const std::string& root() const { return dir_.path(); }
    std::string plugin_dir() const { return dir_ / "plugins"; }
    std::string socket_path() const { return dir_ / "d.sock"; }
    std::string config_path() const { return dir_ / "config.json"; }
    void write_config(const std::string& daemon_json, const std::string& accounts_json = "",
                      const std::string& state_dir = "");

    // Starts `taskhost serve --config ...`; false when it did not say "ready" (stderr kept).
    bool start(const DaemonOptions& options = DaemonOptions());
    TaskhostProcess& process() { return *process_; }
    // SIGTERM (or `signal`) and reap; stderr and exit code of the daemon.
    ProcessResult stop(int signal = 15);

    taskhost::DaemonClient client() const { return taskhost::DaemonClient(socket_path()); }
    // POSTs to /v1/tasks (with `query`); fails the test on a transport error.
    taskhost::DaemonAnswer post_task(const std::string& body, const std::string& query = "") const;
    taskhost::DaemonAnswer get(const std::string& path) const;
    taskhost::DaemonAnswer post(const std::string& path, const std::string& body = "") const;

  private:
    TempDir dir_;
    std::unique_ptr<TaskhostProcess> process_;
};

// A daemon serving test plugin versioned_v1 (as versioned.so) with its plugin-dir watch off:
// started before each test, stopped after it (exit code 0 expected).
class DaemonServingVersioned : public ::testing::Test {
  protected:
    void SetUp() override;
    void TearDown() override;

    DaemonUnderTest daemon_;
};

// Waits (up to 20 s) until the daemon's manifest watch has made `runs` runs (GET /v1/manifests).
void wait_for_manifest_runs(const DaemonUnderTest& daemon, int runs = 1);

// Debian's promtool (package prometheus), which checks GET /metrics' text format.
constexpr const char* kPromtool = "/usr/bin/promtool";
// `promtool check metrics` on `body` (written into `dir`): its exit code and what it printed.
std::pair<int, std::string> promtool_check(const std::string& dir, const std::string& body);
// Whether `body` has `line` as one whole line.
bool has_line(const std::string& body, const std::string& line);

// Everything the daemon answers on one raw unix-socket connection to `raw`, read until it closes
// the connection or 3 s pass (then "(still open)" is appended).
std::string raw_exchange(const std::string& socket_path, const std::string& raw);

}  // namespace taskhost_test
