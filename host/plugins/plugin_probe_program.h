// Where the probe program is: the one named (an option, else $TASKHOST_PLUGIN_PROBE), else
// taskhost-plugin-probe next to the running executable (/proc/self/exe), else, in a build with
// tests, where this build put it. The host runs it with its own rights, so it is checked like
// plugin code: a regular executable file in a directory that only this user or root can write.
#pragma once

#include <string>

#include "util/host_error.h"

namespace taskhost {

Result<std::string> locate_probe_program(const std::string& configured);

}  // namespace taskhost
