#include "tasks/plugin_spec.h"

#include <Poco/JSON/Object.h>

#include "util/bounded_json.h"

namespace taskhost {
namespace {

using Poco::JSON::Object;

Object::Ptr connection_without_key(const AccountConfig& account) {
    Object::Ptr connection = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    connection->set("base_url", account.base_url);
    if (account.ca_file) {
        connection->set("ca_file", *account.ca_file);
    }
    if (account.timeout_ms) {
        connection->set("timeout_ms", *account.timeout_ms);
    }
    if (account.proxy) {
        connection->set("proxy", *account.proxy);
    }
    if (account.retry) {
        Object::Ptr retry = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        const RetrySettings& r = *account.retry;
        if (r.max_attempts) {
            retry->set("max_attempts", *r.max_attempts);
        }
        if (r.initial_delay_ms) {
            retry->set("initial_delay_ms", *r.initial_delay_ms);
        }
        if (r.max_delay_ms) {
            retry->set("max_delay_ms", *r.max_delay_ms);
        }
        if (r.deadline_ms) {
            retry->set("deadline_ms", *r.deadline_ms);
        }
        connection->set("retry", retry);
    }
    return connection;
}

}  // namespace

std::string json_escape(const std::string& text) {
    std::string out;
    out.reserve(text.size() + 8);
    for (char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    return out;
}

PluginTaskSpec build_plugin_spec(const TaskRequest& request, const ApiKey* key) {
    Object::Ptr spec = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    spec->set("task", request.task);
    spec->set("id", request.id);
    spec->set("dry_run", request.dry_run);
    spec->set("params", request.params);
    std::string outer = to_json(spec);
    std::string connection = to_json(connection_without_key(*request.account));
    // Both end in '}' and are non-empty objects: open them up and append.
    outer.pop_back();
    connection.pop_back();
    std::string json;
    std::string escaped = key != nullptr ? json_escape(key->reveal()) : std::string();
    json.reserve(outer.size() + connection.size() + escaped.size() + 32);
    json += outer;
    json += ",\"connection\":";
    json += connection;
    if (key != nullptr) {
        json += ",\"api_key\":\"";
        json += escaped;
        json += '"';
    }
    json += "}}";
    wipe(escaped);  // a second copy of the key
    return PluginTaskSpec(std::move(json));
}

}  // namespace taskhost
