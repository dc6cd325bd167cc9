// The task spec handed to plugin_execute: the request plus the account's connection, with the
// key spliced in last, so it lives in exactly one buffer that is wiped when the call is over.
#pragma once

#include <string>

#include "config/account_key.h"
#include "tasks/task_request.h"

namespace taskhost {

class PluginTaskSpec {
  public:
    explicit PluginTaskSpec(std::string json) : json_(std::move(json)) {}
    ~PluginTaskSpec() { wipe(json_); }
    PluginTaskSpec(const PluginTaskSpec&) = delete;
    PluginTaskSpec& operator=(const PluginTaskSpec&) = delete;
    PluginTaskSpec(PluginTaskSpec&& other) noexcept : json_(std::move(other.json_)) {
        wipe(other.json_);
    }

    const char* c_str() const { return json_.c_str(); }
    const std::string& text() const { return json_; }

  private:
    std::string json_;
};

// {"task","id","dry_run","params","connection":{...the account's settings, "api_key"}}. `key`
// may be null (a dry run whose key could not be resolved): then the connection has no api_key.
PluginTaskSpec build_plugin_spec(const TaskRequest& request, const ApiKey* key);

// `text` as the inside of a JSON string (quotes and backslashes escaped; the key has no
// control characters, account_key refuses them).
std::string json_escape(const std::string& text);

}  // namespace taskhost
