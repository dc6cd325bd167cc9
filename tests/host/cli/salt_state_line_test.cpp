// SaltStateLine: the last line `taskhost run --format salt` prints, as Salt's shlex split reads
// it: changed yes only for a change that did not fail, the msg on one line with backslash and
// double quote escaped.
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>

#include "cli/salt_state_line.h"

namespace taskhost {
namespace {

Poco::JSON::Object::Ptr outcome(const std::string& json) {
    return Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>();
}

TEST(SaltStateLine, AChangeIsYesWithTheMsgAsComment) {
    EXPECT_EQ(salt_state_line(outcome(R"({"changed":true,"failed":false,"msg":"resent"})")),
              R"(changed=yes comment="resent")");
}

TEST(SaltStateLine, UnchangedOrFailedIsNo) {
    EXPECT_EQ(salt_state_line(outcome(R"({"changed":false,"failed":false,"msg":"within"})")),
              R"(changed=no comment="within")");
    EXPECT_EQ(salt_state_line(outcome(R"({"changed":true,"failed":true,"msg":"x"})")),
              R"(changed=no comment="x")");
    EXPECT_EQ(salt_state_line(outcome(R"({"status":"failed"})")), R"(changed=no comment="")");
}

TEST(SaltStateLine, QuotesBackslashesAndNewlinesStayInsideTheComment) {
    const std::string line =
        salt_state_line(outcome(R"({"changed":true,"msg":"say \"hi\" to C:\\dir\nthen stop"})"));
    EXPECT_EQ(line, R"(changed=yes comment="say \"hi\" to C:\\dir?then stop")");
    EXPECT_EQ(line.find('\n'), std::string::npos);
}

}  // namespace
}  // namespace taskhost
