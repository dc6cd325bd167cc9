// The host's configuration: where plugins live and the accounts tasks run as. An account says
// where CertCentral is and where its key comes from; the key itself never appears in a config.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/daemon_settings.h"
#include "util/host_error.h"

namespace taskhost {

constexpr size_t kMaxConfigBytes = 1024 * 1024;
constexpr size_t kMaxConfigDepth = 8;
constexpr size_t kMaxAccounts = 1000;
constexpr const char* kDefaultConfigPath = "/etc/taskhost/config.json";
constexpr const char* kDefaultPluginDir = "/usr/lib/taskhost/plugins";
constexpr const char* kDefaultStateDir = "/var/lib/taskhost";
constexpr size_t kMaxRateLimits = 8;
constexpr const char* kUsBaseUrl = "https://www.digicert.com/services/v2";
constexpr const char* kEuBaseUrl = "https://certcentral.digicert.eu/services/v2";

// The plugin's retry knobs, passed through as given (absent: the plugin's default).
struct RetrySettings {
    std::optional<int64_t> max_attempts;
    std::optional<int64_t> initial_delay_ms;
    std::optional<int64_t> max_delay_ms;
    std::optional<int64_t> deadline_ms;
};

// One rolling window of an account's own rate limits: at most `requests` per `per_seconds`.
struct RateLimitSetting {
    int64_t requests = 0;
    int64_t per_seconds = 0;
};

enum class KeySource { kEnvironment, kFile };

struct AccountConfig {
    std::string name;
    std::string region;    // "us" / "eu", or "" when base_url was given
    std::string base_url;  // always set: from the region or as given
    KeySource key_source = KeySource::kEnvironment;
    std::string key_env;                 // kEnvironment: the variable's name
    std::string key_file;                // kFile: absolute path
    std::optional<std::string> ca_file;  // absolute path
    std::optional<int64_t> timeout_ms;
    std::optional<std::string> proxy;
    std::optional<RetrySettings> retry;
    // Replaces the plugin's described rate limits for this account's key (host pacing).
    std::optional<std::vector<RateLimitSetting>> rate_limits;
};

struct HostConfig {
    std::string path;        // the file it came from, absolute
    std::string plugin_dir;  // absolute
    std::map<std::string, AccountConfig> accounts;
    // Where manifest applies keep their journal (absolute): "state_dir", else kDefaultStateDir.
    std::string state_dir;
    DaemonSettings daemon;  // `taskhost serve` (and its clients' default socket)
};

// --config FILE if given, else $TASKHOST_CONFIG if set and non-empty, else the default path.
std::string choose_config_path(const std::optional<std::string>& flag);

// Reads and validates a config file. Every error names the file, the JSON path and the fix.
Result<HostConfig> load_host_config(const std::string& path);

// The same for text already read; `path` names it in errors and anchors relative paths.
Result<HostConfig> parse_host_config(const std::string& text, const std::string& path);

}  // namespace taskhost
