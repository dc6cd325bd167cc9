#include "tasks/plugin_spec.h"

#include <Poco/JSON/Object.h>

#include <algorithm>

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

namespace {

// Appends `text` escaped as json_escape does, without a copy of it anywhere else.
void append_escaped(SecretBuffer& out, std::string_view text) {
    for (char c : text) {
        if (c == '"' || c == '\\') {
            out.append('\\');
        }
        out.append(c);
    }
}

// This thread's spec buffer, emptied (wiped) and with room for `capacity` bytes: the pages of
// the last spec when they are large enough, else new ones (a page at least).
SecretBuffer& spec_buffer(size_t capacity) {
    thread_local SecretBuffer buffer;
    buffer.clear();
    if (buffer.capacity() < capacity) {
        constexpr size_t kAtLeast = 4000;  // one page with the NUL
        buffer = SecretBuffer(std::max(capacity, kAtLeast));
    }
    return buffer;
}

}  // namespace

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
    const std::string_view secret = key != nullptr ? key->view() : std::string_view();
    // Room for every byte of the key escaped: filled once, never grown.
    SecretBuffer& json = spec_buffer(outer.size() + connection.size() + 2 * secret.size() + 32);
    json.append(outer).append(",\"connection\":").append(connection);
    if (key != nullptr) {
        json.append(connection_empty ? "\"api_key\":\"" : ",\"api_key\":\"");
        append_escaped(json, secret);
        json.append('"');
    }
    json.append("}}");
    return PluginTaskSpec(json);
}

}  // namespace taskhost
