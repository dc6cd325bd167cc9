// The names a shared library exports, as `nm -D --defined-only` lists them.
#pragma once

#include <set>
#include <string>

namespace taskhost_test {

struct ExportedSymbols {
    bool nm_started = false;
    std::set<std::string> names;
    std::string nm_output;  // all nm printed, for a failure message
};

ExportedSymbols exported_symbols(const std::string& library);

}  // namespace taskhost_test
