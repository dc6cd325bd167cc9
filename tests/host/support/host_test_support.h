// What the host tests share: private temp directories, files with exact modes, installing the
// test plugins, and running the built taskhost binary as a real subprocess (key in the
// environment, never in argv).
#pragma once

#include <sys/types.h>

#include <Poco/JSON/Object.h>

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "child_process.h"
#include "temp_dir.h"

namespace taskhost_test {

// The canary key: tests check it appears in no output.
constexpr const char* kCanaryKey = "CANARY-KEY-7f3a9c";

void write_file(const std::string& path, const std::string& content, mode_t mode = 0644);
std::string read_file(const std::string& path);
void make_dir(const std::string& path, mode_t mode = 0755);

// Copies test plugin `name` (e.g. "echo_v1") into `dir` as `as` (default name + ".so").
void install_test_plugin(const std::string& dir, const std::string& name,
                         const std::string& as = "");
std::string test_plugin_path(const std::string& name);

// A config naming plugin_dir "plugins" (relative to the config), `accounts_json` as the
// "accounts" object and, when given, `state_dir` (manifest journals).
std::string host_config_json(const std::string& accounts_json, const std::string& state_dir = "");

// A directory with a plugins/ folder and config.json naming it, plus key files on demand.
class HostFixture {
  public:
    HostFixture();
    const std::string& root() const { return dir_.path(); }
    std::string plugin_dir() const { return dir_ / "plugins"; }
    std::string config_path() const { return dir_ / "config.json"; }
    // Writes config.json: host_config_json(accounts_json, state_dir).
    void write_config(const std::string& accounts_json, const std::string& state_dir = "");
    // A 0600 key file holding `key` + "\n"; returns its path.
    std::string write_key_file(const std::string& name, const std::string& key, mode_t mode = 0600);

  private:
    TempDir dir_;
};

// The built taskhost as a child process: the parent's environment minus anything that could
// point it elsewhere (TASKHOST_CONFIG), plus `env`.
//
// Tests kill it from a sandbox hook (another thread) while the test thread waits in finish()
// and then destroys it. The kill is what makes the child exit, so in time the hook's
// send_signal comes first, but that order goes through the kernel (the child's death closing
// its pipes), which ThreadSanitizer cannot see: it reported the hook's read of the process
// racing the test thread's reuse of its memory. Here the hook signals under a mutex that
// finish() takes once the child is reaped, so a send_signal under way has returned, in an
// order both the program and TSan see, before finish() returns and the process is destroyed.
class TaskhostProcess : public ChildProcess {
  public:
    TaskhostProcess(const std::vector<std::string>& args,
                    const std::map<std::string, std::string>& env,
                    const std::string& stdin_text = "");

    // ChildProcess's, serialised with the end of finish() (see above).
    void send_signal(int signal);
    ProcessResult finish(std::chrono::milliseconds limit = std::chrono::seconds(60));

  private:
    std::mutex signal_mutex_;
};

ProcessResult run_taskhost(const std::vector<std::string>& args,
                           const std::map<std::string, std::string>& env = {},
                           const std::string& stdin_text = "");

// taskhost `args` --config `config_path`, with the canary key in environment variable `key_env`;
// the key must appear in neither output (a failed expectation otherwise).
ProcessResult run_taskhost_with_key(std::vector<std::string> args, const std::string& config_path,
                                    const std::string& key_env = "TASKHOST_TEST_KEY");

// The JSON lines of a `--json` plan or apply, its task lines by name (the summary line has no
// "name"), and its summary (null when there is none).
std::vector<Poco::JSON::Object::Ptr> json_lines(const std::string& out);
std::map<std::string, Poco::JSON::Object::Ptr> by_name(const std::string& out);
Poco::JSON::Object::Ptr summary_of(const std::string& out);

}  // namespace taskhost_test
