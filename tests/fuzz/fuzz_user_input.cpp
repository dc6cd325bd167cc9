// What a user types: a --spec document, and key=value arguments (one per line of the input)
// typed against the real plugin's params schema.
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "describe.h"
#include "plugins/plugin_description.h"
#include "taskhost/plugin.h"
#include "tasks/task_params.h"
#include "tasks/user_spec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const auto description = taskhost::parse_plugin_description(
        digicert_dcv::describe_json(), TASKHOST_ABI_VERSION, "digicert_dcv.so");
    std::string text(reinterpret_cast<const char*>(data), size);

    auto spec = taskhost::parse_user_spec(text, "fuzz-spec.json");
    (void)spec;

    std::vector<std::string> arguments;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        arguments.push_back(line);
    }
    auto params = taskhost::type_params(arguments, description.value().tasks.at(0));
    (void)params;
    return 0;
}
