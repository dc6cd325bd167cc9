#include "cli/cli.h"

#include <ostream>
#include <string>
#include <vector>

#include "cli/cli_help.h"
#include "cli/daemon_clients.h"
#include "cli/manifest_command.h"
#include "cli/plugins_command.h"
#include "cli/run_command.h"
#include "cli/serve_command.h"
#include "tasks/outcome.h"
#include "util/bounded_json.h"

namespace taskhost {
namespace {

int help_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    if (args.empty()) {
        out << main_help();
        return kExitOk;
    }
    if (args.size() > 1) {
        err << "taskhost: help takes at most one COMMAND; fix: taskhost help run" << std::endl;
        return kExitUsage;
    }
    const std::string& topic = args[0];
    if (topic == "run") {
        out << run_help();
    } else if (topic == "plugins") {
        out << plugins_help();
    } else if (topic == "plan") {
        out << plan_help();
    } else if (topic == "apply") {
        out << apply_help();
    } else if (topic == "serve") {
        out << serve_help();
    } else if (topic == "reload") {
        out << reload_help();
    } else if (topic == "help" || topic == "--help" || topic == "-h") {
        out << help_help();
    } else {
        err << "taskhost: help: \"" << printable(topic, 64)
            << "\" is not a command; fix: use run, plugins, plan, apply, serve, reload or help"
            << std::endl;
        return kExitUsage;
    }
    return kExitOk;
}

}  // namespace

int taskhost_main(int argc, const char* const* argv, std::istream& in, std::ostream& out,
                  std::ostream& err) {
    if (argc < 2) {
        err << main_help();
        return kExitUsage;
    }
    const std::string command = argv[1];
    const std::vector<std::string> rest(argv + 2, argv + argc);
    if (command == "run") {
        return run_command(rest, in, out, err);
    }
    if (command == "plugins") {
        return plugins_command(rest, out, err);
    }
    if (command == "plan") {
        return plan_command(rest, out, err);
    }
    if (command == "apply") {
        return apply_command(rest, out, err);
    }
    if (command == "serve") {
        return serve_command(rest, out, err);
    }
    if (command == "reload") {
        return reload_command(rest, out, err);
    }
    if (command == "help") {
        return help_command(rest, out, err);
    }
    if (command == "--help" || command == "-h") {
        if (!rest.empty()) {
            return help_command(rest, out, err);
        }
        out << main_help();
        return kExitOk;
    }
    if (command == "--version") {
        out << version_text();
        return kExitOk;
    }
    err << "taskhost: " << (command[0] == '-' ? "unknown flag " : "unknown command ") << "\""
        << printable(command, 64) << "\"; fix: see taskhost --help" << std::endl;
    return kExitUsage;
}

}  // namespace taskhost
