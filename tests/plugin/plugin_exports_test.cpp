// The built shared library exports exactly the two ABI functions (version script at work).
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <set>
#include <sstream>
#include <string>

namespace {

TEST(PluginExports, DynamicSymbolTableHoldsExactlyTheTwoAbiFunctions) {
    const std::string command = "nm -D --defined-only '" DIGICERT_DCV_PLUGIN_PATH "' 2>&1";
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
    ASSERT_NE(pipe, nullptr);
    std::string output;
    char buffer[4096];
    while (std::fgets(buffer, sizeof buffer, pipe.get()) != nullptr) {
        output += buffer;
    }
    std::set<std::string> symbols;
    std::istringstream lines(output);
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream fields(line);
        std::string address, type, name;
        if (fields >> address >> type >> name) {
            symbols.insert(name);
        }
    }
    EXPECT_EQ(symbols, (std::set<std::string>{"plugin_describe", "plugin_execute"})) << output;
}

}  // namespace
