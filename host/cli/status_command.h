// `taskhost status`: a client of the daemon's socket that says whether the daemon can do its
// job: health (and every reason when it cannot), the plugins serving and refused, the tasks in
// flight, and the last manifest run of each file. --json prints the daemon's own answers
// ({"health", "plugins", "manifests"}). Exit 0 healthy, 1 unhealthy (503), 2 unreachable.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "cli/daemon_client.h"
#include "cli/flag_table.h"

namespace taskhost {

struct StatusOptions {
    std::optional<std::string> config;  // only read for daemon.socket when --socket is absent
    std::optional<std::string> socket;
    bool json = false;
    bool help = false;
    size_t timeout_seconds = kAdminAnswerSeconds;  // for each of the daemon's answers
};

const FlagTable<StatusOptions>& status_flags();
std::string status_help();
int status_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace taskhost
