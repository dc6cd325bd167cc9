// Compiled as part of the config room: util is below config, so this builds.
#include "config/host_config.h"
#include "util/host_error.h"

int layering_probe_allowed() {
    return taskhost::HostError{"where", "problem", "fix"}.text().empty() ? 1 : 0;
}
