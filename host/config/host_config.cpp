#include "config/host_config.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <set>

#include "util/bounded_json.h"

namespace taskhost {
namespace {

namespace fs = std::filesystem;
using Poco::JSON::Object;

constexpr size_t kMaxPathChars = 4096;
constexpr size_t kMaxNameChars = 64;

// Walks one config document; every check knows the JSON path it is looking at.
class ConfigReader {
  public:
    ConfigReader(std::string file, fs::path base_dir)
        : file_(std::move(file)), base_dir_(std::move(base_dir)) {}

    HostConfig read(const Object::Ptr& root) {
        HostConfig config;
        config.path = file_;
        if (root->has("api_key")) {
            fail(at("$.api_key"), "a config must never hold a key itself",
                 "remove it; each account names its key with \"api_key_env\" or \"api_key_file\"");
        }
        only_known_fields(root, "$", {"plugin_dir", "accounts", "daemon", "state_dir"});
        config.plugin_dir = kDefaultPluginDir;
        if (root->has("plugin_dir")) {
            config.plugin_dir = path_field(root, "$", "plugin_dir");
        }
        config.state_dir = kDefaultStateDir;
        if (root->has("state_dir")) {
            config.state_dir = path_field(root, "$", "state_dir");
        }
        if (root->has("accounts")) {
            const std::string where = "$.accounts";
            const Object::Ptr accounts = object_field(root, "$", "accounts");
            if (accounts->size() > kMaxAccounts) {
                fail(at(where),
                     "has " + std::to_string(accounts->size()) + " accounts, more than " +
                         std::to_string(kMaxAccounts),
                     "split the accounts over several configs");
            }
            for (const auto& entry : *accounts) {
                config.accounts[entry.first] = read_account(accounts, entry.first);
            }
        }
        if (root->has("daemon")) {
            config.daemon = read_daemon_settings(root->get("daemon"), file_, base_dir_.string());
        }
        return config;
    }

  private:
    std::string at(const std::string& json_path) const { return file_ + ": " + json_path; }

    AccountConfig read_account(const Object::Ptr& accounts, const std::string& name) {
        const std::string where = json_path_child("$.accounts", name);
        check_account_name(name, where);
        const Object::Ptr fields = object_field(accounts, "$.accounts", name);
        if (fields->has("api_key")) {
            fail(at(json_path_child(where, "api_key")), "a config must never hold a key itself",
                 "remove \"api_key\" and name where the key is: \"api_key_env\": \"VARIABLE\" or "
                 "\"api_key_file\": \"/path/to/key\" (mode 0600)");
        }
        only_known_fields(fields, where,
                          {"region", "base_url", "api_key_env", "api_key_file", "ca_file",
                           "timeout_ms", "proxy", "retry", "rate_limits"});
        AccountConfig account;
        account.name = name;
        read_endpoint(fields, where, account);
        read_key_source(fields, where, account);
        if (fields->has("ca_file")) {
            account.ca_file = path_field(fields, where, "ca_file");
        }
        if (fields->has("timeout_ms")) {
            account.timeout_ms = integer_field(fields, where, "timeout_ms", 100, 300000);
        }
        if (fields->has("proxy")) {
            account.proxy = proxy_field(fields, where);
        }
        if (fields->has("retry")) {
            account.retry =
                read_retry(object_field(fields, where, "retry"), json_path_child(where, "retry"));
        }
        if (fields->has("rate_limits")) {
            account.rate_limits =
                read_rate_limits(fields->get("rate_limits"), json_path_child(where, "rate_limits"));
        }
        return account;
    }

    // DigiCert's limits are per key and "subject to change without notice": an account may
    // replace what the plugin describes, e.g. [{"requests": 100, "per_seconds": 5}, ...].
    std::vector<RateLimitSetting> read_rate_limits(const Poco::Dynamic::Var& value,
                                                   const std::string& where) {
        const std::string example =
            "write [{\"requests\": 100, \"per_seconds\": 5}, {\"requests\": 1000, "
            "\"per_seconds\": 180}]";
        if (!is_json_array(value)) {
            fail(at(where), "is " + json_type_name(value) + ", expected an array", example);
        }
        const Poco::JSON::Array::Ptr list = value.extract<Poco::JSON::Array::Ptr>();
        if (list->size() == 0 || list->size() > kMaxRateLimits) {
            fail(at(where),
                 "has " + std::to_string(list->size()) + " windows, expected 1 to " +
                     std::to_string(kMaxRateLimits),
                 example);
        }
        std::vector<RateLimitSetting> limits;
        for (size_t i = 0; i < list->size(); ++i) {
            const std::string item = json_path_index(where, i);
            if (!is_json_object(list->get(i))) {
                fail(at(item), "is " + json_type_name(list->get(i)) + ", expected an object",
                     example);
            }
            const Object::Ptr window = list->get(i).extract<Object::Ptr>();
            only_known_fields(window, item, {"requests", "per_seconds"});
            if (!window->has("requests") || !window->has("per_seconds")) {
                fail(at(item), "needs both \"requests\" and \"per_seconds\"", example);
            }
            RateLimitSetting limit;
            limit.requests = integer_field(window, item, "requests", 1, 1000000);
            limit.per_seconds = integer_field(window, item, "per_seconds", 1, 86400);
            limits.push_back(limit);
        }
        return limits;
    }

    void check_account_name(const std::string& name, const std::string& where) {
        bool ok = !name.empty() && name.size() <= kMaxNameChars;
        for (char c : name) {
            ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.');
        }
        if (!ok) {
            fail(at(where), "is not a valid account name",
                 "use 1 to 64 letters, digits, '_', '-' or '.' (e.g. \"prod-us\")");
        }
    }

    void read_endpoint(const Object::Ptr& fields, const std::string& where,
                       AccountConfig& account) {
        const bool has_region = fields->has("region");
        const bool has_base_url = fields->has("base_url");
        if (has_region == has_base_url) {
            fail(
                at(where),
                has_region ? "gives both \"region\" and \"base_url\""
                           : "gives neither \"region\" nor \"base_url\"",
                "give exactly one: \"region\": \"us\" or \"eu\", or \"base_url\": \"https://...\"");
        }
        if (has_region) {
            account.region = string_field(fields, where, "region");
            if (account.region == "us") {
                account.base_url = kUsBaseUrl;
            } else if (account.region == "eu") {
                account.base_url = kEuBaseUrl;
            } else {
                fail(at(json_path_child(where, "region")),
                     "\"" + printable(account.region, 32) + "\" is not a CertCentral region",
                     "use \"us\" or \"eu\", or give \"base_url\" instead");
            }
            return;
        }
        account.base_url = string_field(fields, where, "base_url");
        const std::string prefix = "https://";
        if (account.base_url.compare(0, prefix.size(), prefix) != 0 ||
            account.base_url.size() == prefix.size() || account.base_url.size() > 2048 ||
            !is_plain(account.base_url)) {
            fail(at(json_path_child(where, "base_url")),
                 "\"" + printable(account.base_url, 80) + "\" is not an https:// URL",
                 "write the API base, e.g. \"https://www.digicert.com/services/v2\" (TLS only)");
        }
        while (account.base_url.size() > prefix.size() + 1 && account.base_url.back() == '/') {
            account.base_url.pop_back();
        }
    }

    void read_key_source(const Object::Ptr& fields, const std::string& where,
                         AccountConfig& account) {
        const bool has_env = fields->has("api_key_env");
        const bool has_file = fields->has("api_key_file");
        if (has_env == has_file) {
            fail(at(where),
                 has_env ? "gives both \"api_key_env\" and \"api_key_file\""
                         : "gives neither \"api_key_env\" nor \"api_key_file\"",
                 "give exactly one: \"api_key_env\": \"VARIABLE\" or \"api_key_file\": \"/path\"");
        }
        if (has_env) {
            account.key_source = KeySource::kEnvironment;
            account.key_env = string_field(fields, where, "api_key_env");
            bool ok = !account.key_env.empty() && account.key_env.size() <= 256 &&
                      !(account.key_env[0] >= '0' && account.key_env[0] <= '9');
            for (char c : account.key_env) {
                ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '_');
            }
            if (!ok) {
                fail(at(json_path_child(where, "api_key_env")),
                     "\"" + printable(account.key_env, 64) +
                         "\" is not an environment variable name",
                     "use letters, digits and '_', not starting with a digit (e.g. "
                     "\"DIGICERT_KEY\")");
            }
            return;
        }
        account.key_source = KeySource::kFile;
        account.key_file = path_field(fields, where, "api_key_file");
    }

    RetrySettings read_retry(const Object::Ptr& fields, const std::string& where) {
        only_known_fields(fields, where,
                          {"max_attempts", "initial_delay_ms", "max_delay_ms", "deadline_ms"});
        RetrySettings retry;
        if (fields->has("max_attempts")) {
            retry.max_attempts = integer_field(fields, where, "max_attempts", 1, 10);
        }
        if (fields->has("initial_delay_ms")) {
            retry.initial_delay_ms = integer_field(fields, where, "initial_delay_ms", 0, 60000);
        }
        if (fields->has("max_delay_ms")) {
            retry.max_delay_ms = integer_field(fields, where, "max_delay_ms", 0, 300000);
        }
        if (fields->has("deadline_ms")) {
            retry.deadline_ms = integer_field(fields, where, "deadline_ms", 100, 3600000);
        }
        if (retry.initial_delay_ms && retry.max_delay_ms &&
            *retry.initial_delay_ms > *retry.max_delay_ms) {
            fail(at(json_path_child(where, "initial_delay_ms")), "is larger than max_delay_ms",
                 "make initial_delay_ms <= max_delay_ms");
        }
        return retry;
    }

    std::string proxy_field(const Object::Ptr& fields, const std::string& where) {
        const std::string proxy = string_field(fields, where, "proxy");
        const std::string prefix = "http://";
        if (proxy.compare(0, prefix.size(), prefix) != 0 || proxy.size() == prefix.size() ||
            proxy.size() > 2048 || !is_plain(proxy)) {
            fail(at(json_path_child(where, "proxy")),
                 "\"" + printable(proxy, 80) + "\" is not an http:// proxy URL",
                 "write it as \"http://host:port\" (the TLS session to CertCentral goes through "
                 "it)");
        }
        return proxy;
    }

    // A path as written, made absolute against the config file's directory.
    std::string path_field(const Object::Ptr& fields, const std::string& where,
                           const std::string& key) {
        const std::string raw = string_field(fields, where, key);
        if (raw.empty() || raw.size() > kMaxPathChars || !is_plain(raw)) {
            fail(at(json_path_child(where, key)), "is not a usable path",
                 "write a non-empty path without control characters (relative paths are taken "
                 "from the config file's directory)");
        }
        const fs::path path(raw);
        return (path.is_absolute() ? path : base_dir_ / path).lexically_normal().string();
    }

    std::string string_field(const Object::Ptr& fields, const std::string& where,
                             const std::string& key) {
        const Poco::Dynamic::Var value = fields->get(key);
        if (!value.isString()) {
            fail(at(json_path_child(where, key)),
                 "is " + json_type_name(value) + ", expected a string",
                 "write it in double quotes");
        }
        return value.extract<std::string>();
    }

    int64_t integer_field(const Object::Ptr& fields, const std::string& where,
                          const std::string& key, int64_t min, int64_t max) {
        const Poco::Dynamic::Var value = fields->get(key);
        const std::string path = json_path_child(where, key);
        const std::string range =
            "a whole number from " + std::to_string(min) + " to " + std::to_string(max);
        if (!value.isInteger() || value.isBoolean()) {
            fail(at(path), "is " + json_type_name(value) + ", expected an integer",
                 "write " + range);
        }
        int64_t number = 0;
        try {
            number = value.convert<int64_t>();
        } catch (const Poco::Exception&) {
            fail(at(path), "is out of range", "write " + range);
        }
        if (number < min || number > max) {
            fail(at(path), std::to_string(number) + " is out of range", "write " + range);
        }
        return number;
    }

    Object::Ptr object_field(const Object::Ptr& fields, const std::string& where,
                             const std::string& key) {
        const Poco::Dynamic::Var value = fields->get(key);
        if (!is_json_object(value)) {
            fail(at(json_path_child(where, key)),
                 "is " + json_type_name(value) + ", expected an object", "write it as {...}");
        }
        return value.extract<Object::Ptr>();
    }

    void only_known_fields(const Object::Ptr& fields, const std::string& where,
                           const std::set<std::string>& known) {
        for (const auto& entry : *fields) {
            if (known.count(entry.first) == 0) {
                std::string names;
                for (const std::string& name : known) {
                    names += (names.empty() ? "" : ", ") + name;
                }
                fail(at(json_path_child(where, entry.first)), "is not a known field",
                     "remove it or correct its spelling (known here: " + names + ")");
            }
        }
    }

    static bool is_plain(const std::string& text) {
        for (unsigned char c : text) {
            if (c < 0x20 || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    std::string file_;
    fs::path base_dir_;
};

std::string absolute_path(const std::string& path) {
    std::error_code ignored;
    const fs::path absolute = fs::absolute(fs::path(path), ignored);
    return (absolute.empty() ? fs::path(path) : absolute).lexically_normal().string();
}

}  // namespace

std::string choose_config_path(const std::optional<std::string>& flag) {
    if (flag) {
        return *flag;
    }
    const char* env = std::getenv("TASKHOST_CONFIG");
    if (env != nullptr && *env != '\0') {
        return env;
    }
    return kDefaultConfigPath;
}

Result<HostConfig> load_host_config(const std::string& path) {
    const std::string absolute = absolute_path(path);
    Result<std::string> text = read_bounded_file(absolute, kMaxConfigBytes, "config " + absolute);
    if (!text.ok()) {
        HostError error = text.error();
        error.fix += " (the config is --config FILE, else $TASKHOST_CONFIG, else " +
                     std::string(kDefaultConfigPath) + ")";
        return error;
    }
    return parse_host_config(text.value(), absolute);
}

Result<HostConfig> parse_host_config(const std::string& text, const std::string& path) {
    const std::string absolute = absolute_path(path);
    Result<Poco::JSON::Object::Ptr> root =
        parse_json_object(text, JsonLimits{kMaxConfigBytes, kMaxConfigDepth}, absolute);
    if (!root.ok()) {
        return root.error();
    }
    try {
        ConfigReader reader(absolute, fs::path(absolute).parent_path());
        return reader.read(root.value());
    } catch (const HostErrorException& e) {
        return e.error();
    }
}

}  // namespace taskhost
