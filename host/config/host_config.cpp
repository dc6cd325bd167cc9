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

// The fields of an account that are the host's; all others are the plugin's connection settings.
const std::set<std::string> kHostAccountFields = {"api_key_env", "api_key_file", "rate_limits"};

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

    // The host's own fields (key source, pacing) are read here; every other field belongs to
    // the plugin and is kept as written, to be checked against the schema the plugin describes.
    AccountConfig read_account(const Object::Ptr& accounts, const std::string& name) {
        const std::string where = json_path_child("$.accounts", name);
        check_account_name(name, where);
        const Object::Ptr fields = object_field(accounts, "$.accounts", name);
        if (fields->has("api_key")) {
            fail(at(json_path_child(where, "api_key")), "a config must never hold a key itself",
                 "remove \"api_key\" and name where the key is: \"api_key_env\": \"VARIABLE\" or "
                 "\"api_key_file\": \"/path/to/key\" (mode 0600)");
        }
        AccountConfig account;
        account.name = name;
        account.config_file = file_;
        account.json_path = where;
        account.base_dir = base_dir_.string();
        read_key_source(fields, where, account);
        if (fields->has("rate_limits")) {
            account.rate_limits =
                read_rate_limits(fields->get("rate_limits"), json_path_child(where, "rate_limits"));
        }
        account.connection = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        for (const auto& entry : *fields) {
            if (kHostAccountFields.count(entry.first) == 0) {
                account.connection->set(entry.first, entry.second);
            }
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
