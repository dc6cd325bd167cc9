// What every command does before its own work, written once: choose and read the config
// (--config, else $TASKHOST_CONFIG, else the default), load the plugins in its plugin_dir, and
// note each refused plugin on stderr. run, plugins, plan/apply, serve and reload all start here,
// so they cannot disagree on which config they read or how a refusal reads.
#pragma once

#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>

#include "config/host_config.h"
#include "plugins/plugin_catalog.h"
#include "util/host_error.h"

namespace taskhost {

// How far a command's start-up goes.
enum class Startup {
    kConfigOnly,              // serve (its daemon loads and reloads the plugins), reload
    kPlugins,                 // + plugin_dir loaded; "taskhost: refused ..." on stderr
    kPluginsListingRefusals,  // + plugin_dir loaded; the command lists the refusals itself
};

struct CommandStartup {
    HostConfig config;
    PluginLibrary library;  // before catalog: the catalog's plugins were loaded through it
    PluginCatalog catalog;  // empty with Startup::kConfigOnly
};

// The config error, or the plugin directory's, is returned for the command to report its way.
// `config_read`, when set, is called with the config before the plugins load, so that a command
// can start what needs only the config meanwhile (run: its ledger).
Result<std::unique_ptr<CommandStartup>> start_command(
    const std::optional<std::string>& config_flag, Startup startup, std::ostream& err,
    const std::function<void(const HostConfig&)>& config_read = nullptr);

}  // namespace taskhost
