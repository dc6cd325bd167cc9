// What the host tests share: private temp directories, files with exact modes, installing the
// test plugins, and running the built taskhost binary as a real subprocess (key in the
// environment, never in argv).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace taskhost_test {

// The canary key: tests check it appears in no output.
constexpr const char* kCanaryKey = "CANARY-KEY-7f3a9c";

// A mkdtemp directory (0700), removed with everything in it on destruction.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return path_; }
    std::string operator/(const std::string& name) const { return path_ + "/" + name; }

  private:
    std::string path_;
};

void write_file(const std::string& path, const std::string& content, mode_t mode = 0644);
std::string read_file(const std::string& path);
void make_dir(const std::string& path, mode_t mode = 0755);

// Copies test plugin `name` (e.g. "echo_v1") into `dir` as `as` (default name + ".so").
void install_test_plugin(const std::string& dir, const std::string& name,
                         const std::string& as = "");
std::string test_plugin_path(const std::string& name);

// A directory with a plugins/ folder and config.json naming it, plus key files on demand.
class HostFixture {
  public:
    HostFixture();
    const std::string& root() const { return dir_.path(); }
    std::string plugin_dir() const { return dir_ / "plugins"; }
    std::string config_path() const { return dir_ / "config.json"; }
    // Writes config.json with `accounts_json` as the "accounts" object.
    void write_config(const std::string& accounts_json);
    // A 0600 key file holding `key` + "\n"; returns its path.
    std::string write_key_file(const std::string& name, const std::string& key, mode_t mode = 0600);

  private:
    TempDir dir_;
};

struct ProcessResult {
    int exit_code = -1;  // -1: killed by a signal
    int signal = 0;
    std::string out;
    std::string err;
};

// A running taskhost with stdin/stdout/stderr on pipes.
class TaskhostProcess {
  public:
    TaskhostProcess(const std::vector<std::string>& args,
                    const std::map<std::string, std::string>& env,
                    const std::string& stdin_text = "");
    ~TaskhostProcess();
    TaskhostProcess(const TaskhostProcess&) = delete;
    TaskhostProcess& operator=(const TaskhostProcess&) = delete;

    // Reads until stderr contains `text` or `limit` passes (a sanity bound, not a timing test).
    bool wait_for_stderr(const std::string& text, std::chrono::milliseconds limit);
    void send_signal(int signal);
    // Reads everything and reaps the process (killing it after `limit`, a sanity bound).
    ProcessResult finish(std::chrono::milliseconds limit = std::chrono::seconds(60));

  private:
    bool pump(int timeout_ms);

    pid_t pid_ = -1;
    int out_fd_ = -1;
    int err_fd_ = -1;
    std::string out_;
    std::string err_;
};

ProcessResult run_taskhost(const std::vector<std::string>& args,
                           const std::map<std::string, std::string>& env = {},
                           const std::string& stdin_text = "");

}  // namespace taskhost_test
