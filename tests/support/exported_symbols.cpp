#include "exported_symbols.h"

#include <cstdio>
#include <memory>
#include <sstream>

namespace taskhost_test {

ExportedSymbols exported_symbols(const std::string& library) {
    ExportedSymbols exported;
    const std::string command = "nm -D --defined-only '" + library + "' 2>&1";
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
    if (pipe == nullptr) {
        return exported;
    }
    exported.nm_started = true;
    char buffer[4096];
    while (std::fgets(buffer, sizeof buffer, pipe.get()) != nullptr) {
        exported.nm_output += buffer;
    }
    std::istringstream lines(exported.nm_output);
    for (std::string line; std::getline(lines, line);) {
        std::istringstream fields(line);
        std::string address, type, name;
        if (fields >> address >> type >> name) {
            exported.names.insert(name);
        }
    }
    return exported;
}

}  // namespace taskhost_test
