// CliRunLedgerOpen: `taskhost run` opens an existing ledger while its plugins load (issue 12's
// cold run), and that changes nothing a request did not ask for: a bad request creates no ledger
// and adds nothing to one that exists, a --check run writes nothing, and a good run after them
// records as before. Through the built taskhost with the test plugin "inventory".
#include <gtest/gtest.h>

#include <filesystem>

#include "inventory_host.h"

namespace taskhost {
namespace {

using taskhost_test::ProcessResult;

class CliRunLedgerOpen : public InventoryHost {
  protected:
    std::string ledger_path() const { return host_.root() + "/state/ledger.sqlite"; }
    size_t history_rows() { return history()->size(); }
};

TEST_F(CliRunLedgerOpen, ABadRequestOnAFreshHostCreatesNoLedger) {
    const ProcessResult bad = run({"run", "test.inventory.nosuch", "item=a"});
    EXPECT_EQ(bad.exit_code, 2) << bad.out << bad.err;
    EXPECT_FALSE(std::filesystem::exists(ledger_path()));
    const ProcessResult good = run({"run", "test.inventory.touch", "item=a"});
    ASSERT_EQ(good.exit_code, 0) << good.out << good.err;
    EXPECT_TRUE(std::filesystem::exists(ledger_path()));
    EXPECT_EQ(history_rows(), 1u);
}

TEST_F(CliRunLedgerOpen, BadRequestsAndChecksLeaveAnExistingLedgerAsItWas) {
    ASSERT_EQ(run({"run", "test.inventory.touch", "item=a"}).exit_code, 0);
    ASSERT_EQ(history_rows(), 1u);
    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {"run", "test.inventory.nosuch", "item=a"},
             {"run", "test.inventory.touch", "item=b", "--account", "nosuch"},
             {"run", "test.inventory.touch", "item=b", "--check"}}) {
        const ProcessResult r = run(args);
        EXPECT_EQ(r.exit_code, args.back() == "--check" ? 0 : 2) << args[1] << r.out << r.err;
    }
    EXPECT_EQ(history_rows(), 1u);
    const ProcessResult again = run({"run", "test.inventory.touch", "item=b"});
    ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
    EXPECT_EQ(history_rows(), 2u);
}

}  // namespace
}  // namespace taskhost
