#include "cli/command_startup.h"

#include <chrono>
#include <ostream>

#include "plugins/plugin_probe.h"

namespace taskhost {

Result<std::unique_ptr<CommandStartup>> start_command(
    const std::optional<std::string>& config_flag, Startup startup, std::ostream& err,
    const std::function<void(const HostConfig&)>& config_read) {
    Result<HostConfig> config = load_host_config(choose_config_path(config_flag));
    if (!config.ok()) {
        return config.error();
    }
    auto started = std::make_unique<CommandStartup>();
    started->config = std::move(config.value());
    if (config_read) {
        config_read(started->config);
    }
    if (startup == Startup::kConfigOnly) {
        return started;
    }
    PluginProbeOptions probe;
    probe.timeout = std::chrono::milliseconds(started->config.daemon.plugin_probe_timeout_ms);
    // A cold `taskhost run` of an unchanged plugin spawns no probe (probe_verdict_cache.h).
    probe.verdicts =
        std::make_shared<ProbeVerdictCache>(started->config.state_dir + "/" + kProbeCacheDirName);
    started->library.set_probe_options(probe);
    Result<PluginCatalog> catalog =
        PluginCatalog::scan(started->config.plugin_dir, started->library);
    if (!catalog.ok()) {
        return catalog.error();
    }
    started->catalog = std::move(catalog.value());
    if (startup == Startup::kPlugins) {
        for (const PluginRefusal& refusal : started->catalog.refusals()) {
            err << "taskhost: refused " << refusal.reason.text() << std::endl;
        }
    }
    return started;
}

}  // namespace taskhost
