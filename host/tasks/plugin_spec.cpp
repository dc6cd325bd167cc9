#include "tasks/plugin_spec.h"

#include <Poco/JSON/Object.h>

#include "util/bounded_json.h"

namespace taskhost {
using Poco::JSON::Object;

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
    std::string connection =
        to_json(request.connection ? request.connection : Object::Ptr(new Object));
    // Both end in '}' (the outer object is never empty): open them up and append the key.
    outer.pop_back();
    connection.pop_back();
    const bool connection_empty = connection == "{";
    std::string json;
    std::string escaped = key != nullptr ? json_escape(key->reveal()) : std::string();
    json.reserve(outer.size() + connection.size() + escaped.size() + 32);
    json += outer;
    json += ",\"connection\":";
    json += connection;
    if (key != nullptr) {
        json += connection_empty ? "\"api_key\":\"" : ",\"api_key\":\"";
        json += escaped;
        json += '"';
    }
    json += "}}";
    wipe(escaped);  // a second copy of the key
    return PluginTaskSpec(std::move(json));
}

}  // namespace taskhost
