#include "config/host_config.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdlib>
#include <filesystem>
#include <set>

#include "util/bounded_json.h"
#include "util/json_fields.h"
#include "util/resend_interval.h"

namespace taskhost {
namespace {

namespace fs = std::filesystem;
using Poco::JSON::Object;

constexpr size_t kMaxNameChars = 64;

// The fields of an account that are the host's; all others are the plugin's connection settings.
const std::set<std::string> kHostAccountFields = {"api_key_env", "api_key_file", "rate_limits",
                                                  "resend_interval"};

// Walks one config document; every check knows the JSON path it is looking at.
class ConfigReader {
  public:
    ConfigReader(std::string file, const fs::path& base_dir)
        : file_(std::move(file)), base_dir_(base_dir.string()) {}

    HostConfig read(const Object::Ptr& document) {
        const JsonFields root(document, file_);
        HostConfig config;
        config.path = file_;
        if (root.has("api_key")) {
            fail(root.where("api_key"), "a config must never hold a key itself",
                 "remove it; each account names its key with \"api_key_env\" or \"api_key_file\"");
        }
        root.only_known({"accounts", "daemon", "ledger", "plugin_dir", "state_dir"});
        config.plugin_dir = kDefaultPluginDir;
        if (root.has("plugin_dir")) {
            config.plugin_dir = root.path("plugin_dir", base_dir_);
        }
        config.state_dir = kDefaultStateDir;
        if (root.has("state_dir")) {
            config.state_dir = root.path("state_dir", base_dir_);
        }
        if (root.has("accounts")) {
            const JsonFields accounts = root.child("accounts");
            if (accounts.json()->size() > kMaxAccounts) {
                fail(accounts.where(),
                     "has " + std::to_string(accounts.json()->size()) + " accounts, more than " +
                         std::to_string(kMaxAccounts),
                     "split the accounts over several configs");
            }
            for (const auto& entry : *accounts.json()) {
                config.accounts[entry.first] = read_account(accounts, entry.first);
            }
        }
        if (root.has("daemon")) {
            config.daemon = read_daemon_settings(root.value("daemon"), file_, base_dir_);
        }
        if (root.has("ledger")) {
            config.ledger = read_ledger_settings(root.value("ledger"), file_, base_dir_);
        }
        return config;
    }

  private:
    // The host's own fields (key source, pacing) are read here; every other field belongs to
    // the plugin and is kept as written, to be checked against the schema the plugin describes.
    AccountConfig read_account(const JsonFields& accounts, const std::string& name) {
        check_account_name(name, accounts.where(name));
        const JsonFields fields = accounts.child(name);
        if (fields.has("api_key")) {
            fail(fields.where("api_key"), "a config must never hold a key itself",
                 "remove \"api_key\" and name where the key is: \"api_key_env\": \"VARIABLE\" or "
                 "\"api_key_file\": \"/path/to/key\" (mode 0600)");
        }
        AccountConfig account;
        account.name = name;
        account.config_file = file_;
        account.json_path = fields.json_path();
        account.base_dir = base_dir_;
        read_key_source(fields, account);
        if (fields.has("rate_limits")) {
            account.rate_limits = read_rate_limits(fields);
        }
        if (fields.has("resend_interval")) {
            const std::string text = fields.text("resend_interval");
            account.resend_interval = parse_resend_interval(text);
            if (!account.resend_interval) {
                fail(fields.where("resend_interval"), "is not a duration",
                     "write whole units, largest first, at most 366d: \"24h\", \"7d\", \"1h30m\"");
            }
        }
        account.connection = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        for (const auto& entry : *fields.json()) {
            if (kHostAccountFields.count(entry.first) == 0) {
                account.connection->set(entry.first, entry.second);
            }
        }
        return account;
    }

    // DigiCert's limits are per key and "subject to change without notice": an account may
    // replace what the plugin describes, e.g. [{"requests": 100, "per_seconds": 5}, ...].
    std::vector<RateLimitSetting> read_rate_limits(const JsonFields& account) {
        const std::string example =
            "write [{\"requests\": 100, \"per_seconds\": 5}, {\"requests\": 1000, "
            "\"per_seconds\": 180}]";
        const Poco::JSON::Array::Ptr list = account.array("rate_limits", example);
        if (list->size() == 0 || list->size() > kMaxRateLimits) {
            fail(account.where("rate_limits"),
                 "has " + std::to_string(list->size()) + " windows, expected 1 to " +
                     std::to_string(kMaxRateLimits),
                 example);
        }
        std::vector<RateLimitSetting> limits;
        for (size_t i = 0; i < list->size(); ++i) {
            const JsonFields window = account.nested(
                list->get(i), json_path_index(account.child_path("rate_limits"), i), example);
            window.only_known({"per_seconds", "requests"});
            if (!window.has("requests") || !window.has("per_seconds")) {
                fail(window.where(), "needs both \"requests\" and \"per_seconds\"", example);
            }
            RateLimitSetting limit;
            limit.requests = window.integer("requests", 1, 1000000);
            limit.per_seconds = window.integer("per_seconds", 1, 86400);
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
            fail(where, "is not a valid account name",
                 "use 1 to 64 letters, digits, '_', '-' or '.' (e.g. \"prod-us\")");
        }
    }

    void read_key_source(const JsonFields& fields, AccountConfig& account) {
        const bool has_env = fields.has("api_key_env");
        const bool has_file = fields.has("api_key_file");
        if (has_env == has_file) {
            fail(fields.where(),
                 has_env ? "gives both \"api_key_env\" and \"api_key_file\""
                         : "gives neither \"api_key_env\" nor \"api_key_file\"",
                 "give exactly one: \"api_key_env\": \"VARIABLE\" or \"api_key_file\": \"/path\"");
        }
        if (has_env) {
            account.key_source = KeySource::kEnvironment;
            account.key_env = fields.text("api_key_env");
            bool ok = !account.key_env.empty() && account.key_env.size() <= 256 &&
                      !(account.key_env[0] >= '0' && account.key_env[0] <= '9');
            for (char c : account.key_env) {
                ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '_');
            }
            if (!ok) {
                fail(fields.where("api_key_env"),
                     "\"" + printable(account.key_env, 64) +
                         "\" is not an environment variable name",
                     "use letters, digits and '_', not starting with a digit (e.g. "
                     "\"DIGICERT_KEY\")");
            }
            return;
        }
        account.key_source = KeySource::kFile;
        account.key_file = fields.path("api_key_file", base_dir_);
    }

    std::string file_;
    std::string base_dir_;
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
        // Room for one account over the limit, so that its own message ("N accounts") is said.
        parse_json_object(text, JsonLimits{kMaxConfigBytes, kMaxConfigDepth, kMaxAccounts + 1},
                          absolute);
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
