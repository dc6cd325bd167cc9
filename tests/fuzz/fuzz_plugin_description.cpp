// A plugin's describe JSON is read from a library the host did not write: any NUL-terminated
// text must give a description or a refusal.
#include <cstdint>
#include <string>

#include "plugins/plugin_description.h"
#include "taskhost/plugin.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);  // NUL-terminated by c_str()
    auto description =
        taskhost::parse_plugin_description(text.c_str(), TASKHOST_ABI_VERSION, "fuzz.so");
    if (description.ok()) {
        for (const auto& task : description.value().tasks) {
            (void)taskhost::param_type(task, "domain_id");
            (void)taskhost::param_item_type(task, "email_array");
        }
    }
    return 0;
}
