// CliArgs: flags in both forms, repeated or unknown flags named, TASK and params apart.
// FlagTable: one table per command drives both the parse and the help, so every flag it
// declares is in the command's --help, and its value checks run.
#include <gtest/gtest.h>

#include <sstream>

#include "cli/cli.h"
#include "cli/cli_args.h"
#include "cli/cli_help.h"
#include "cli/ledger_commands.h"
#include "cli/manifest_args.h"

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

// Each command's table and the --help that the command prints.
struct CommandFlags {
    std::string command;
    const FlagSyntaxTable& flags;
    std::string help;
};

std::vector<CommandFlags> every_command() {
    return {{"run", run_flags().syntax(), run_help()},
            {"plugins", plugins_flags().syntax(), plugins_help()},
            {"plan", manifest_flags(ManifestMode::kPlan).syntax(), plan_help()},
            {"apply", manifest_flags(ManifestMode::kApply).syntax(), apply_help()},
            {"serve", serve_flags().syntax(), serve_help()},
            {"reload", reload_flags().syntax(), reload_help()},
            {"history", history_flag_syntax(), history_help()},
            {"ledger", ledger_flag_syntax(), ledger_help()}};
}

TEST(FlagTable, EveryFlagOfEveryTableIsInItsCommandsHelpAndUsage) {
    for (const CommandFlags& c : every_command()) {
        EXPECT_EQ(c.flags.command(), c.command);
        EXPECT_EQ(c.help.rfind("usage: taskhost " + c.command, 0), 0u) << c.help;
        const std::string usage = c.help.substr(0, c.help.find("\n\n"));
        std::istringstream lines(c.help);
        for (std::string line; std::getline(lines, line);) {
            EXPECT_LE(line.size(), 100u) << c.command << ": " << line;
        }
        for (const FlagSyntax& flag : c.flags.flags()) {
            for (const std::string& spelling : flag.spellings) {
                const std::string label = "  " + (spelling == "--help" ? "-h, --help" : spelling) +
                                          (flag.value.empty() ? "" : " " + flag.value);
                EXPECT_NE(c.help.find(label), std::string::npos) << c.command << " " << spelling;
            }
            const std::string help_line = flag.help.substr(0, flag.help.find('\n'));
            EXPECT_NE(c.help.find(help_line), std::string::npos) << c.command << " " << help_line;
            if (flag.spellings.back() != "--help") {
                EXPECT_NE(usage.find("[" + flag.spellings.front()), std::string::npos)
                    << c.command << " usage lacks " << flag.spellings.front() << ":\n"
                    << usage;
            }
        }
    }
}

TEST(FlagTable, EveryFlagInATablesHelpParsesAndEveryOtherIsRefused) {
    for (const CommandFlags& c : every_command()) {
        for (const FlagSyntax& flag : c.flags.flags()) {
            std::vector<std::string> args{flag.spellings.front()};
            if (!flag.value.empty()) {
                args.push_back("1");
            }
            const auto found = [&](size_t, const FlagValue&) {};
            EXPECT_NO_THROW(c.flags.walk(args, found)) << c.command << " " << args[0];
        }
        try {
            c.flags.walk({"--no-such-flag"}, [](size_t, const FlagValue&) {});
            ADD_FAILURE() << c.command << " took --no-such-flag";
        } catch (const HostErrorException& e) {
            EXPECT_EQ(e.error().problem, "is not a flag of taskhost " + c.command);
            EXPECT_EQ(e.error().fix, "see taskhost " + c.command + " --help");
        }
    }
}

TEST(FlagTable, UsageLineWrapsUnderTheCommandAndLongFlagsGetTheirOwnLine) {
    const std::string help = run_help();
    EXPECT_EQ(help.rfind("usage: taskhost run TASK [name=value ...] [--account NAME] "
                         "[--spec FILE|-] [--check]\n"
                         "                    [--id ID] [--detailed-exitcodes]",
                         0),
              0u)
        << help;
    EXPECT_NE(help.find("  --account NAME      the configured account"), std::string::npos);
    EXPECT_NE(help.find("  --detailed-exitcodes\n                      Puppet-style"),
              std::string::npos);
    EXPECT_NE(help.find("  -h, --help          show this help\n"), std::string::npos);
    // The help plugins --socket has is listed, in usage and among the flags.
    EXPECT_EQ(plugins_help().rfind("usage: taskhost plugins [--json] [--config FILE] "
                                   "[--socket PATH] [--timeout SECONDS]\n",
                                   0),
              0u)
        << plugins_help();
}

TEST(FlagTable, ConcurrencyIsCheckedAsANumberOfTasksInItsRange) {
    Result<ManifestOptions> ok =
        parse_manifest_args(ManifestMode::kApply, {"m.json", "--concurrency=4"});
    ASSERT_TRUE(ok.ok()) << ok.error().text();
    EXPECT_EQ(ok.value().concurrency, 4u);
    for (const std::string bad : {"0", "65", "4x", "-1", "many"}) {
        Result<ManifestOptions> o =
            parse_manifest_args(ManifestMode::kPlan, {"m.json", "--concurrency", bad});
        ASSERT_FALSE(o.ok()) << bad;
        EXPECT_EQ(o.error().where, "--concurrency");
        EXPECT_EQ(o.error().problem, "\"" + bad + "\" is not a number of tasks");
        EXPECT_EQ(o.error().fix, "write a whole number from 1 to 64");
    }
    EXPECT_EQ(
        parse_manifest_args(ManifestMode::kPlan, {"m.json", "--concurrency="}).error().problem,
        "has an empty value");
}

TEST(FlagTable, ManifestFlagsPathsAndForceOnlyForApply) {
    Result<ManifestOptions> o = parse_manifest_args(
        ManifestMode::kApply,
        {"a.json", "--force", "--state-dir", "/s", "--json", "-", "--", "--b.json"});
    ASSERT_TRUE(o.ok()) << o.error().text();
    EXPECT_EQ(o.value().paths, (std::vector<std::string>{"a.json", "-", "--b.json"}));
    EXPECT_TRUE(o.value().force);
    EXPECT_TRUE(o.value().json);
    EXPECT_EQ(o.value().state_dir.value_or(""), "/s");
    EXPECT_EQ(o.value().mode, ManifestMode::kApply);

    Result<ManifestOptions> plan = parse_manifest_args(ManifestMode::kPlan, {"a", "--force"});
    ASSERT_FALSE(plan.ok());
    EXPECT_EQ(plan.error().problem, "is not a flag of taskhost plan");
    EXPECT_EQ(parse_manifest_args(ManifestMode::kPlan, {"--json"}).error().where, "PATH");
    EXPECT_TRUE(parse_manifest_args(ManifestMode::kPlan, {"-h"}).value().help);
    EXPECT_EQ(parse_manifest_args(ManifestMode::kPlan, {"a", "--json", "--json"}).error().problem,
              "is given twice");
}

TEST(FlagTable, HelpSkipsTheOperandRulesButNotTheFlagRules) {
    EXPECT_TRUE(parse_run_args({"--help"}).value().help);
    EXPECT_TRUE(parse_serve_args({"-h", "stray"}).value().help);
    EXPECT_EQ(parse_reload_args({"--help", "--bogus"}).error().problem,
              "is not a flag of taskhost reload");
    EXPECT_EQ(parse_reload_args({"x"}).error().fix,
              "taskhost reload takes only flags (see taskhost reload --help)");
}

struct Sample {
    struct Part {
        std::optional<std::string> name;
    };
    Part part;
    size_t count = 0;
    bool on = false;
    bool help = false;
};

TEST(FlagTable, AGenericTableStoresIntoFieldsAndPartsAfterItsChecks) {
    const FlagTable<Sample> table{
        "sample",
        "",
        {{"--name, -n", "NAME", kNonEmpty, field_in(&Sample::part, &Sample::Part::name), "a"},
         {"--count", "N", number_of("apples", 2, 3), &Sample::count, "b"},
         {"--on", "", kSwitch, &Sample::on, "c"}}};
    Sample sample;
    EXPECT_EQ(table.parse({"x", "-n", "n1", "--count=3", "--on", "y"}, sample),
              (std::vector<std::string>{"x", "y"}));
    EXPECT_EQ(sample.part.name.value_or(""), "n1");
    EXPECT_EQ(sample.count, 3u);
    EXPECT_TRUE(sample.on);
    try {
        Sample other;
        table.parse({"--count", "1"}, other);
        ADD_FAILURE() << "--count 1 was taken";
    } catch (const HostErrorException& e) {
        EXPECT_EQ(
            e.error().text(),
            "--count: \"1\" is not a number of apples; fix: write a whole number from 2 to 3");
    }
    EXPECT_NE(table.flags_help().find("  --name, -n NAME     a\n"), std::string::npos)
        << table.flags_help();
}

TEST(FlagTable, ATableThatContradictsItselfIsRefusedWhenBuilt) {
    using Table = FlagTable<Sample>;
    EXPECT_THROW(Table("s", "", {{"--on", "VALUE", kSwitch, &Sample::on, "x"}}), std::logic_error);
    EXPECT_THROW(Table("s", "", {{"--on", "", kSwitch, &Sample::count, "x"}}), std::logic_error);
    EXPECT_THROW(Table("s", "", {{"--count", "N", kNonEmpty, &Sample::count, "x"}}),
                 std::logic_error);
    EXPECT_THROW(Table("s", "", {{"-h", "", kSwitch, &Sample::on, "x"}}), std::logic_error);
    EXPECT_THROW(Table("s", "", {{"on", "", kSwitch, &Sample::on, "x"}}), std::logic_error);
}

int main_with(std::vector<std::string> args, std::string& out, std::string& err) {
    args.insert(args.begin(), "taskhost");
    std::vector<const char*> argv;
    for (const std::string& arg : args) {
        argv.push_back(arg.c_str());
    }
    std::istringstream in;
    std::ostringstream out_stream;
    std::ostringstream err_stream;
    const int code =
        taskhost_main(static_cast<int>(argv.size()), argv.data(), in, out_stream, err_stream);
    out = out_stream.str();
    err = err_stream.str();
    return code;
}

TEST(CommandTable, HelpOfEachCommandIsItsOwnAndUnknownTopicsNameTheCommands) {
    std::string out;
    std::string err;
    for (const std::string command : {"run", "plugins", "plan", "apply", "serve", "reload"}) {
        EXPECT_EQ(main_with({"help", command}, out, err), 0) << err;
        EXPECT_EQ(out.rfind("usage: taskhost " + command, 0), 0u) << out;
        std::string own;
        EXPECT_EQ(main_with({command, "--help"}, own, err), 0) << err;
        EXPECT_EQ(own, out);
        EXPECT_EQ(main_with({"--help", command}, own, err), 0) << err;
        EXPECT_EQ(own, out);
    }
    EXPECT_EQ(main_with({"help", "-h"}, out, err), 0);
    EXPECT_EQ(out, help_help());
    EXPECT_EQ(main_with({"help", "bogus"}, out, err), 2);
    EXPECT_NE(err.find("\"bogus\" is not a command; fix: use run, plugins, plan, apply, serve, "
                       "reload, status, history, ledger or help"),
              std::string::npos)
        << err;
    EXPECT_EQ(main_with({"-h"}, out, err), 0);
    EXPECT_EQ(out, main_help());
    EXPECT_EQ(main_with({"--bogus"}, out, err), 2);
    EXPECT_NE(err.find("unknown flag \"--bogus\""), std::string::npos) << err;
}

}  // namespace
}  // namespace taskhost
