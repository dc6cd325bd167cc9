// What a plugin passes to taskhost_host.answered, made safe to name a metric's series: routes
// of 1..128 printable ASCII bytes as they are, anything else "other"; statuses 100..599 and 0
// as numbers, anything else "other".
#include <gtest/gtest.h>

#include <string>

#include "tasks/plugin_answers.h"

namespace taskhost {
namespace {

TEST(PluginAnswers, KeepsAPrintableRouteOfUpTo128Bytes) {
    EXPECT_EQ(answer_route("PUT /domain/{id}/dcv/emails"), "PUT /domain/{id}/dcv/emails");
    const std::string longest(kMaxRouteBytes, 'r');
    EXPECT_EQ(answer_route(longest.c_str()), longest);
}

TEST(PluginAnswers, NullEmptyOversizedOrUnprintableRoutesAreOther) {
    EXPECT_EQ(answer_route(nullptr), "other");
    EXPECT_EQ(answer_route(""), "other");
    const std::string oversized(kMaxRouteBytes + 1, 'r');
    EXPECT_EQ(answer_route(oversized.c_str()), "other");
    const std::string huge(1 << 20, 'r');  // read no further than one byte past the limit
    EXPECT_EQ(answer_route(huge.c_str()), "other");
    EXPECT_EQ(answer_route("GET /a\n"), "other");
    EXPECT_EQ(answer_route("GET /a\x7f"), "other");
    EXPECT_EQ(answer_route("GET /caf\xc3\xa9"), "other");
    EXPECT_EQ(answer_route("GET\t/a"), "other");
}

TEST(PluginAnswers, StatusesAreHttpCodesOrZeroElseOther) {
    EXPECT_EQ(answer_status(204), "204");
    EXPECT_EQ(answer_status(100), "100");
    EXPECT_EQ(answer_status(599), "599");
    EXPECT_EQ(answer_status(0), "0");
    EXPECT_EQ(answer_status(99), "other");
    EXPECT_EQ(answer_status(600), "other");
    EXPECT_EQ(answer_status(-1), "other");
}

}  // namespace
}  // namespace taskhost
