// The connection settings a task's plugin is handed: the account's settings as written, checked
// against the connection schema that plugin describes, with paths made absolute. The host knows
// nothing of what they mean; the key is added later, by the task spec (tasks/plugin_spec.h).
#pragma once

#include <Poco/JSON/Object.h>

#include "config/host_config.h"
#include "plugins/plugin_library.h"
#include "util/host_error.h"

namespace taskhost {

// Errors name the config file and the account's field: "FILE: $.accounts.prod.timeout_ms: ...".
Result<Poco::JSON::Object::Ptr> connection_for(const AccountConfig& account,
                                               const PluginGeneration& plugin);

}  // namespace taskhost
