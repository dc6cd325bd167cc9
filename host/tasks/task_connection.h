// The connection settings a task's plugin is handed: the account's settings as written, checked
// against the connection schema that plugin describes, with paths made absolute. The host knows
// nothing of what they mean; the key is added later, by the task spec (tasks/plugin_spec.h).
#pragma once

#include <Poco/JSON/Object.h>

#include <map>
#include <mutex>
#include <utility>

#include "config/host_config.h"
#include "plugins/plugin_library.h"
#include "util/host_error.h"

namespace taskhost {

// Errors name the config file and the account's field: "FILE: $.accounts.prod.timeout_ms: ...".
Result<Poco::JSON::Object::Ptr> connection_for(const AccountConfig& account,
                                               const PluginGeneration& plugin);

// connection_for once per account and plugin generation, for the tasks of one run: the same
// settings checked against the same schema give the same answer, and asked once per task it was
// 2% of an apply's CPU. The answer is shared by those tasks, which only read it. Thread-safe.
// Keyed by address: it must not outlive the config and the plugins the run holds.
class ConnectionMemo {
  public:
    Result<Poco::JSON::Object::Ptr> connection_for(const AccountConfig& account,
                                                   const PluginGeneration& plugin);

  private:
    std::mutex mutex_;
    std::map<std::pair<const AccountConfig*, const PluginGeneration*>,
             Result<Poco::JSON::Object::Ptr>>
        checked_;
};

}  // namespace taskhost
