// What CertCentral (or a proxy in front of it) answers is outside input: the error body parser
// and the excerpt of a non-JSON body must cope with any bytes.
#include <cstdint>
#include <string_view>

#include "error_mapping.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view body(reinterpret_cast<const char*>(data), size);
    auto errors = digicert_dcv::parse_digicert_errors(body);
    if (errors) {
        for (const auto& error : *errors) {
            (void)digicert_dcv::code_family(error.code);
        }
    }
    (void)digicert_dcv::body_excerpt(body);
    return 0;
}
