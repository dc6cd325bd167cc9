// What the daemon tests share: a real `taskhost serve` process on a unix socket in a private
// directory, with test plugins installed the way operators do it (temp file + rename), and a
// client that speaks to it over the socket.
#pragma once

#include <Poco/JSON/Object.h>

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cli/daemon_client.h"
#include "host_test_support.h"

namespace taskhost_test {

// Installs test plugin `name` into `dir` as `as` the safe way: a dot-named temp file, then
// rename over the target (never overwriting a mapped library in place).
void install_plugin_atomically(const std::string& dir, const std::string& name,
                               const std::string& as);

Poco::JSON::Object::Ptr parse_json(const std::string& text);

// `taskhost serve` as a subprocess whose stderr is read all the time by a thread (a daemon
// under load logs far more than a pipe holds; an unread pipe would stall it).
class ServeProcess {
  public:
    ServeProcess(const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& env);
    ~ServeProcess();  // SIGKILL if still running
    ServeProcess(const ServeProcess&) = delete;
    ServeProcess& operator=(const ServeProcess&) = delete;

    pid_t pid() const { return pid_; }
    void send_signal(int signal);
    // Until stderr holds `text` (or the process ended, or `limit`: a sanity bound).
    bool wait_for_stderr(const std::string& text, std::chrono::milliseconds limit);
    std::string err() const;
    // Waits for the exit (SIGKILL after `limit`, a sanity bound).
    ProcessResult finish(std::chrono::milliseconds limit = std::chrono::seconds(60));

  private:
    void read_all();

    pid_t pid_ = -1;
    int err_fd_ = -1;
    mutable std::mutex mutex_;
    std::condition_variable grew_;
    std::string err_;
    bool eof_ = false;
    std::thread reader_;
};

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
    ServeProcess& process() { return *process_; }
    // SIGTERM (or `signal`) and reap; stderr and exit code of the daemon.
    ProcessResult stop(int signal = 15);

    taskhost::DaemonClient client() const { return taskhost::DaemonClient(socket_path()); }
    // POSTs to /v1/tasks (with `query`); fails the test on a transport error.
    taskhost::DaemonAnswer post_task(const std::string& body, const std::string& query = "") const;
    taskhost::DaemonAnswer get(const std::string& path) const;
    taskhost::DaemonAnswer post(const std::string& path, const std::string& body = "") const;

  private:
    TempDir dir_;
    std::unique_ptr<ServeProcess> process_;
};

}  // namespace taskhost_test
