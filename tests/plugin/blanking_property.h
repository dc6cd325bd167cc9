// What blank_api_key may do to a spec's text, whatever the text: keep its length, and change at
// most one run of bytes, each to 'x', no longer than the key it took out (none when it took none
// out). Checked on random inputs by the unit test and by the fuzz target.
#pragma once

#include <cstddef>
#include <string_view>

#include "spec_key_blanking.h"

namespace dcv_test {

inline bool blanked_only_the_key(std::string_view input, const digicert_dcv::BlankedSpec& blanked) {
    const std::string_view text = blanked.text.view();
    if (text.size() != input.size() || blanked.keys > 1) {
        return false;
    }
    std::size_t first = 0;
    while (first < text.size() && text[first] == input[first]) {
        ++first;
    }
    std::size_t last = text.size();
    while (last > first && text[last - 1] == input[last - 1]) {
        --last;
    }
    for (std::size_t i = first; i < last; ++i) {
        if (text[i] != 'x') {
            return false;
        }
    }
    // The key's own 'x's compare equal: its run may be longer than the bytes that changed.
    return blanked.keys == 0 ? first == last : last - first <= blanked.api_key.size();
}

}  // namespace dcv_test
