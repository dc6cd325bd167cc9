// The plugin's task spec parser (both tasks: the resend and the domain list): arbitrary bytes
// must give a spec or an invalid_input error, never a crash, a hang or an exception.
#include <cstdint>
#include <string_view>

#include "dcv_resend_spec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto parsed =
        digicert_dcv::parse_task_spec(std::string_view(reinterpret_cast<const char*>(data), size));
    (void)parsed;
    return 0;
}
