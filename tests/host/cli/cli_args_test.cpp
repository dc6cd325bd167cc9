// CliArgs: flags in both forms, repeated or unknown flags named, TASK and params apart.
#include <gtest/gtest.h>

#include "cli/cli_args.h"

namespace taskhost {
namespace {

TEST(CliArgs, ReadsTaskParamsAndFlagsInBothForms) {
    Result<RunOptions> o =
        parse_run_args({"digicert.dcv.resend", "domain_id=1", "--account=prod-us", "--check",
                        "--id", "x", "name_scope=a.b"});
    ASSERT_TRUE(o.ok()) << o.error().text();
    EXPECT_EQ(o.value().task.task.value_or(""), "digicert.dcv.resend");
    EXPECT_EQ(o.value().task.assignments,
              (std::vector<std::string>{"domain_id=1", "name_scope=a.b"}));
    EXPECT_EQ(o.value().task.account.value_or(""), "prod-us");
    EXPECT_EQ(o.value().task.id.value_or(""), "x");
    EXPECT_TRUE(o.value().task.check);
    EXPECT_FALSE(o.value().detailed_exitcodes);
}

TEST(CliArgs, RepeatedFlagIsAnErrorNamingIt) {
    Result<RunOptions> o = parse_run_args({"t", "--account", "a", "--account", "b"});
    ASSERT_FALSE(o.ok());
    EXPECT_EQ(o.error().where, "--account");
    EXPECT_NE(o.error().problem.find("twice"), std::string::npos);
}

TEST(CliArgs, MissingOrEmptyValuesAndSwitchValuesAreErrors) {
    EXPECT_EQ(parse_run_args({"t", "--spec"}).error().problem, "needs a value");
    EXPECT_EQ(parse_run_args({"t", "--account="}).error().problem, "has an empty value");
    EXPECT_EQ(parse_run_args({"t", "--check=yes"}).error().problem, "takes no value");
}

TEST(CliArgs, SpecWithoutTaskAndDoubleDashEndFlags) {
    Result<RunOptions> o = parse_run_args({"--spec", "-", "count=1"});
    ASSERT_TRUE(o.ok()) << o.error().text();
    EXPECT_FALSE(o.value().task.task.has_value());
    EXPECT_EQ(o.value().task.assignments, std::vector<std::string>{"count=1"});

    Result<RunOptions> dashed = parse_run_args({"t", "--", "label=--not-a-flag"});
    ASSERT_TRUE(dashed.ok()) << dashed.error().text();
    EXPECT_EQ(dashed.value().task.assignments, std::vector<std::string>{"label=--not-a-flag"});
}

TEST(CliArgs, TaskIsRequiredWithoutASpecAndStrayWordsAreRefused) {
    EXPECT_EQ(parse_run_args({"--check"}).error().where, "TASK");
    EXPECT_NE(parse_run_args({"t", "stray"}).error().problem.find("neither TASK nor"),
              std::string::npos);
    EXPECT_NE(parse_plugins_args({"extra"}).error().problem.find("not expected"),
              std::string::npos);
}

TEST(CliArgs, DetailedExitcodesIsFoundBeforeParsing) {
    EXPECT_TRUE(wants_detailed_exitcodes({"t", "--bogus", "--detailed-exitcodes"}));
    EXPECT_FALSE(wants_detailed_exitcodes({"t", "--", "--detailed-exitcodes"}));
}

}  // namespace
}  // namespace taskhost
