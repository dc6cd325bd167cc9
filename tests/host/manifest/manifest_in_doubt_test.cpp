// A send whose request reached the server whole and then got no answer (issue 9): the plugin does
// not send it again, the apply's line says in doubt, the journal keeps it, and the next apply
// sends it again reporting it in doubt.
#include "manifest_apply_fixture.h"

namespace taskhost {
namespace {

TEST_F(ManifestApply, AResetAfterTheWholePutIsInDoubtAndTheNextApplySendsItAgainInDoubt) {
    const std::string m = manifest(manifest_of(1));
    sandbox::FaultRule reset;
    reset.method = "PUT";
    reset.count = 1;
    reset.action = sandbox::FaultRule::Action::kReset;  // after reading the whole request
    server_->add_fault(reset);

    const taskhost_test::ProcessResult first = run({"apply", m, "--json"});
    EXPECT_NE(first.exit_code, 0) << first.out << first.err;
    EXPECT_EQ(server_->request_count("PUT"), 1u) << "sent once, not retried blindly";
    const auto line = by_name(first.out).at("d0");
    EXPECT_EQ(line->getValue<std::string>("status"), "failed");
    EXPECT_TRUE(line->getValue<bool>("in_doubt")) << first.out;

    const taskhost_test::ProcessResult second = run({"apply", m, "--json"});
    ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
    EXPECT_EQ(server_->request_count("PUT"), 2u);
    const auto again = by_name(second.out).at("d0");
    EXPECT_EQ(again->getValue<std::string>("status"), "succeeded");
    EXPECT_TRUE(again->getValue<bool>("in_doubt")) << second.out;
    EXPECT_EQ(again->getValue<std::string>("reason"), "in_doubt");

    const taskhost_test::ProcessResult third = run({"apply", m, "--json"});
    ASSERT_EQ(third.exit_code, 0) << third.out << third.err;
    EXPECT_EQ(server_->request_count("PUT"), 2u) << "done, and no longer in doubt";
    EXPECT_EQ(by_name(third.out).at("d0")->getValue<std::string>("reason"), "within_interval");
}

}  // namespace
}  // namespace taskhost
