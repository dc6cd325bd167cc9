// `key=value` arguments turned into typed task params, following the task's params_schema:
// integer and number must parse, boolean is true/false, arrays are a comma-separated list or a
// JSON array, objects are JSON, strings are taken as they are. A name the schema does not know
// passes through as a string: the plugin owns its params and rejects them with its own message.
#pragma once

#include <Poco/JSON/Object.h>

#include <string>
#include <vector>

#include "plugins/plugin_description.h"
#include "util/host_error.h"

namespace taskhost {

constexpr size_t kMaxParamArguments = 256;
constexpr size_t kMaxParamValueBytes = 64 * 1024;

// Types every "name=value" in `arguments`. A name given twice, a malformed argument, or a value
// that does not fit its declared type is a usage error naming the param (never echoing the
// value of a param the task declares sensitive).
Result<Poco::JSON::Object::Ptr> type_params(const std::vector<std::string>& arguments,
                                            const TaskDescription& task);

}  // namespace taskhost
