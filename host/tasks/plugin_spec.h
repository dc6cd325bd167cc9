// The task spec handed to plugin_execute: the request plus the account's connection, with the
// key spliced in last. It lives in exactly one buffer, in pages that core dumps leave out
// (util/secret_buffer.h), wiped when the call is over. The buffer is the calling thread's own,
// kept (wiped, locked) for its next task and unmapped when the thread ends: one mapping per
// worker thread, not one per task.
#pragma once

#include <string>
#include <string_view>

#include "config/account_key.h"
#include "tasks/task_request.h"
#include "util/secret_buffer.h"

namespace taskhost {

class PluginTaskSpec {
  public:
    // `json` is filled already; this spec wipes it when it goes.
    explicit PluginTaskSpec(SecretBuffer& json) : json_(json) {}
    ~PluginTaskSpec() { json_.clear(); }
    PluginTaskSpec(const PluginTaskSpec&) = delete;
    PluginTaskSpec& operator=(const PluginTaskSpec&) = delete;

    const char* c_str() const { return json_.c_str(); }
    std::string_view text() const { return json_.view(); }

  private:
    SecretBuffer& json_;
};

// {"task","id","dry_run","params","connection":{...the account's settings, "api_key"}}. `key`
// may be null (a dry run whose key could not be resolved): then the connection has no api_key.
// One spec per thread at a time (it fills the thread's buffer): keep it only for the call.
PluginTaskSpec build_plugin_spec(const TaskRequest& request, const ApiKey* key);

// `text` as the inside of a JSON string (quotes and backslashes escaped; the key has no
// control characters, account_key refuses them).
std::string json_escape(const std::string& text);

}  // namespace taskhost
