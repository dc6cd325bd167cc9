// The host's config file parser: any bytes give a config or an error naming the field.
#include <cstdint>
#include <string>

#include "config/host_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    auto config = taskhost::parse_host_config(text, "/fuzz/config.json");
    (void)config;
    return 0;
}
