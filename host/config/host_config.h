// The host's configuration: where plugins live and the accounts tasks run as. An account is a
// key source (the key itself never appears in a config), the host's pacing override, and the
// plugin's connection settings, which the host checks against the schema the plugin describes
// (plugins/settings_schema.h) and passes through without knowing what they mean.
#pragma once

#include <Poco/JSON/Object.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/daemon_settings.h"
#include "config/ledger_settings.h"
#include "util/host_error.h"

namespace taskhost {

constexpr size_t kMaxConfigBytes = 1024 * 1024;
constexpr size_t kMaxConfigDepth = 8;
constexpr size_t kMaxAccounts = 1000;
constexpr const char* kDefaultConfigPath = "/etc/taskhost/config.json";
constexpr const char* kDefaultPluginDir = "/usr/lib/taskhost/plugins";
constexpr const char* kDefaultStateDir = "/var/lib/taskhost";
constexpr size_t kMaxRateLimits = 8;

// One rolling window of an account's own rate limits: at most `requests` per `per_seconds`.
struct RateLimitSetting {
    int64_t requests = 0;
    int64_t per_seconds = 0;
};

enum class KeySource { kEnvironment, kFile };

struct AccountConfig {
    std::string name;
    KeySource key_source = KeySource::kEnvironment;
    std::string key_env;   // kEnvironment: the variable's name
    std::string key_file;  // kFile: absolute path
    // Replaces the plugin's described rate limits for this account's key (host pacing).
    std::optional<std::vector<RateLimitSetting>> rate_limits;
    // The resend interval of tasks that name this account and give none (daemon tasks, runs): a
    // task done within it is not sent again. Absent: every such task is sent.
    std::optional<std::chrono::seconds> resend_interval;
    // Every other field of the account, as written: the plugin's connection settings. Checked
    // against the plugin's connection_schema when a task names the account.
    Poco::JSON::Object::Ptr connection;
    std::string config_file;  // where the account was written, for errors
    std::string json_path;    // "$.accounts.NAME"
    std::string base_dir;     // the config file's directory: relative paths are taken from it
};

struct HostConfig {
    std::string path;        // the file it came from, absolute
    std::string plugin_dir;  // absolute
    std::map<std::string, AccountConfig> accounts;
    // Where the embedded ledger lives (absolute): "state_dir", else kDefaultStateDir.
    std::string state_dir;
    LedgerSettings ledger;  // "ledger": SQLite in state_dir unless it says otherwise
    DaemonSettings daemon;  // `taskhost serve` (and its clients' default socket)
};

// --config FILE if given, else $TASKHOST_CONFIG if set and non-empty, else the default path.
std::string choose_config_path(const std::optional<std::string>& flag);

// Reads and validates a config file. Every error names the file, the JSON path and the fix.
Result<HostConfig> load_host_config(const std::string& path);

// The same for text already read; `path` names it in errors and anchors relative paths.
Result<HostConfig> parse_host_config(const std::string& text, const std::string& path);

}  // namespace taskhost
