#include "cli/cli.h"

#include <iterator>
#include <ostream>
#include <string>
#include <vector>

#include "cli/cli_help.h"
#include "cli/daemon_clients.h"
#include "cli/ledger_commands.h"
#include "cli/manifest_command.h"
#include "cli/plugins_command.h"
#include "cli/run_command.h"
#include "cli/serve_command.h"
#include "cli/status_command.h"
#include "tasks/outcome.h"
#include "util/bounded_json.h"

namespace taskhost {
namespace {

using Args = std::vector<std::string>;
using CommandHandler = int (*)(const Args& args, std::istream& in, std::ostream& out,
                               std::ostream& err);

// A command that reads no stdin, as a CommandHandler.
template <int (*command)(const Args&, std::ostream&, std::ostream&)>
int without_input(const Args& args, std::istream&, std::ostream& out, std::ostream& err) {
    return command(args, out, err);
}

int help_command(const Args& args, std::istream& in, std::ostream& out, std::ostream& err);

struct Command {
    const char* name;
    CommandHandler handler;  // gets the words after the command's name
    std::string (*help)();
};

// Every command, in the order `taskhost help` names them.
constexpr Command kCommands[] = {
    {"run", run_command, run_help},
    {"plugins", without_input<plugins_command>, plugins_help},
    {"plan", without_input<plan_command>, plan_help},
    {"apply", without_input<apply_command>, apply_help},
    {"serve", without_input<serve_command>, serve_command_help},
    {"reload", without_input<reload_command>, reload_help},
    {"status", without_input<status_command>, status_help},
    {"history", without_input<history_command>, history_help},
    {"ledger", without_input<ledger_command>, ledger_help},
    {"help", help_command, help_help},
};

const Command* find_command(const std::string& name) {
    for (const Command& command : kCommands) {
        if (name == command.name) {
            return &command;
        }
    }
    return nullptr;
}

// "run, plugins, plan, apply, serve, reload or help"
std::string command_names() {
    std::string names;
    const size_t count = std::size(kCommands);
    for (size_t i = 0; i < count; ++i) {
        names += (i == 0 ? "" : i + 1 == count ? " or " : ", ") + std::string(kCommands[i].name);
    }
    return names;
}

int help_command(const Args& args, std::istream&, std::ostream& out, std::ostream& err) {
    if (args.empty()) {
        out << main_help();
        return kExitOk;
    }
    if (args.size() > 1) {
        err << "taskhost: help takes at most one COMMAND; fix: taskhost help run" << std::endl;
        return kExitUsage;
    }
    const std::string& topic = args[0] == "--help" || args[0] == "-h" ? "help" : args[0];
    const Command* command = find_command(topic);
    if (command == nullptr) {
        err << "taskhost: help: \"" << printable(topic, 64) << "\" is not a command; fix: use "
            << command_names() << std::endl;
        return kExitUsage;
    }
    out << command->help();
    return kExitOk;
}

}  // namespace

int taskhost_main(int argc, const char* const* argv, std::istream& in, std::ostream& out,
                  std::ostream& err) {
    if (argc < 2) {
        err << main_help();
        return kExitUsage;
    }
    const std::string name = argv[1];
    const Args rest(argv + 2, argv + argc);
    if (const Command* command = find_command(name)) {
        return command->handler(rest, in, out, err);
    }
    if (name == "--help" || name == "-h") {
        return help_command(rest, in, out, err);  // the overview, or "--help run"
    }
    if (name == "--version") {
        out << version_text();
        return kExitOk;
    }
    err << "taskhost: " << (name[0] == '-' ? "unknown flag " : "unknown command ") << "\""
        << printable(name, 64) << "\"; fix: see taskhost --help" << std::endl;
    return kExitUsage;
}

}  // namespace taskhost
