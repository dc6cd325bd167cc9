// Compiled as part of the config room: the daemon is above config, so its header must not be
// found, and this file must not build. If it does, the rooms' include paths leak.
#include "config/host_config.h"
#include "daemon/taskhost_daemon.h"

int layering_probe_reversed() {
    return 0;
}
