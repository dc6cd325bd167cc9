#include "tasks/task_connection.h"

#include "plugins/settings_schema.h"

namespace taskhost {

Result<Poco::JSON::Object::Ptr> connection_for(const AccountConfig& account,
                                               const PluginGeneration& plugin) {
    SettingsSource source;
    source.file = account.config_file;
    source.json_path = account.json_path;
    source.base_dir = account.base_dir;
    source.unknown_problem = "is not a known field";
    source.known_label =
        "known here: api_key_env, api_key_file, rate_limits and plugin " + plugin.name() + "'s";
    const Poco::JSON::Object::Ptr settings =
        account.connection ? account.connection : new Poco::JSON::Object;
    return check_settings(settings, plugin.description().connection_schema, source);
}

Result<Poco::JSON::Object::Ptr> ConnectionMemo::connection_for(const AccountConfig& account,
                                                               const PluginGeneration& plugin) {
    const auto key = std::make_pair(&account, &plugin);
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (const auto found = checked_.find(key); found != checked_.end()) {
            return found->second;
        }
    }
    Result<Poco::JSON::Object::Ptr> checked = taskhost::connection_for(account, plugin);
    std::lock_guard<std::mutex> lock(mutex_);
    return checked_.emplace(key, std::move(checked)).first->second;
}

}  // namespace taskhost
