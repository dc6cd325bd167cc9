// The host's config file parser, and the settings checker on every account it reads: any bytes
// give a config (each account's connection checked against a plugin-like connection schema) or
// an error naming the field.
#include <cstdint>
#include <string>

#include "config/host_config.h"
#include "plugins/settings_schema.h"
#include "util/bounded_json.h"

namespace {

// Shaped like the schemas plugins describe: enums, ranges, lengths, patterns, paths, nested
// objects, arrays, required and oneOf-of-required.
const char* const kConnectionSchema = R"({
  "type": "object", "additionalProperties": false,
  "oneOf": [{"required": ["region"]}, {"required": ["base_url"]}],
  "properties": {
    "region": {"type": "string", "enum": ["us", "eu"]},
    "base_url": {"type": "string", "minLength": 9, "maxLength": 2048, "pattern": "^https://"},
    "ca_file": {"type": "string", "format": "path", "maxLength": 4096},
    "timeout_ms": {"type": "integer", "minimum": 100, "maximum": 300000},
    "proxy": {"type": "string", "pattern": "^http://"},
    "tags": {"type": "array", "maxItems": 4, "items": {"type": "string", "maxLength": 8}},
    "retry": {"type": "object", "additionalProperties": false, "required": ["max_attempts"],
              "properties": {"max_attempts": {"type": "integer", "minimum": 1, "maximum": 10}}}}})";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const taskhost::Result<Poco::JSON::Object::Ptr> schema =
        taskhost::parse_json_object(kConnectionSchema, taskhost::JsonLimits{}, "schema");
    std::string text(reinterpret_cast<const char*>(data), size);
    auto config = taskhost::parse_host_config(text, "/fuzz/config.json");
    if (!config.ok() || !schema.ok()) {
        return 0;
    }
    for (const auto& entry : config.value().accounts) {
        taskhost::SettingsSource source;
        source.file = "/fuzz/config.json";
        source.json_path = entry.second.json_path;
        source.base_dir = entry.second.base_dir;
        auto checked = taskhost::check_settings(entry.second.connection, schema.value(), source);
        (void)checked;
    }
    return 0;
}
