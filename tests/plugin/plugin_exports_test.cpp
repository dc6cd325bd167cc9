// The built shared library exports exactly the two ABI functions (version script at work).
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "exported_symbols.h"

namespace {

using taskhost_test::exported_symbols;
using taskhost_test::ExportedSymbols;

TEST(PluginExports, DynamicSymbolTableHoldsExactlyTheTwoAbiFunctions) {
    const ExportedSymbols exported = exported_symbols(DIGICERT_DCV_PLUGIN_PATH);
    ASSERT_TRUE(exported.nm_started);
    EXPECT_EQ(exported.names, (std::set<std::string>{"plugin_describe", "plugin_execute"}))
        << exported.nm_output;
}

}  // namespace
