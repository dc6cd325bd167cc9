// What a plugin says about itself (plugin_describe), checked before the host trusts any of it.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <string>
#include <vector>

#include "plugins/item_columns.h"
#include "util/host_error.h"

namespace taskhost {

constexpr size_t kMaxDescribeBytes = 1024 * 1024;
constexpr size_t kMaxDescribeDepth = 32;
constexpr size_t kMaxTasksPerPlugin = 256;

struct TaskDescription {
    std::string name;  // "digicert.dcv.resend"
    std::string summary;
    Poco::JSON::Object::Ptr params_schema;  // a JSON Schema, type object
    bool supports_dry_run = false;
    std::vector<std::string> sensitive_params;
    // "read_only": true: the task changes nothing remote, it only reads (a listing). The host
    // runs it without the ledger (no claim, no journal, no interval) and, in a dry run, for real.
    bool read_only = false;
    std::vector<ItemColumn> item_columns;  // how its outcome's "items" show as a table
    Poco::JSON::Object::Ptr raw;           // the task as described, for `taskhost plugins --json`
};

struct PluginDescription {
    uint32_t abi_major = 0;
    std::string name;
    std::string version;
    std::vector<TaskDescription> tasks;
    // The JSON Schema of an account's connection settings for this plugin, or null when the
    // plugin describes none (then they are passed through unchecked).
    Poco::JSON::Object::Ptr connection_schema;
    Poco::JSON::Object::Ptr raw;
};

// Parses describe JSON (`text` may be NULL: that is an error too). A major ABI other than
// `host_abi` is refused naming both versions, before anything else in the document is judged.
// `where` names the plugin file in errors.
Result<PluginDescription> parse_plugin_description(const char* text, uint32_t host_abi,
                                                   const std::string& where);

// The JSON Schema "type" of one param, or "" when the schema does not say (then: a string).
std::string param_type(const TaskDescription& task, const std::string& param);
// For arrays: the "items" type, or "".
std::string param_item_type(const TaskDescription& task, const std::string& param);

}  // namespace taskhost
