// The plugin's task spec parser (both tasks: the resend and the domain list): arbitrary bytes
// must give a spec or an invalid_input error, never a crash, a hang or an exception. The key's
// removal before the parse (spec_key_blanking.h) must leave the text as it was but for one run
// of 'x's where the key was.
#include <cstdint>
#include <string_view>

#include "../plugin/blanking_property.h"
#include "dcv_resend_spec.h"
#include "spec_key_blanking.h"

namespace {

void check_blanking(std::string_view input) {
    const auto blanked =
        digicert_dcv::blank_api_key(input, static_cast<int>(digicert_dcv::kMaxSpecDepth));
    if (blanked && !dcv_test::blanked_only_the_key(input, *blanked)) {
        __builtin_trap();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    bool key_reached_parser = false;
    auto parsed = digicert_dcv::parse_task_spec(input, key_reached_parser);
    (void)parsed;
    check_blanking(input);
    return 0;
}
