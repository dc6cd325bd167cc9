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

}  // namespace taskhost
