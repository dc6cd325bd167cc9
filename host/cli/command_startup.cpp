#include "cli/command_startup.h"

#include <chrono>
#include <ostream>
#include <thread>

#include "plugins/plugin_probe.h"
#include "util/sha256.h"

namespace taskhost {
namespace {

// Joins a thread on every way out of a scope.
class ThreadJoiner {
  public:
    explicit ThreadJoiner(std::thread& thread) : thread_(thread) {}
    ~ThreadJoiner() {
        if (thread_.joinable()) {
            thread_.join();
        }
    }
    ThreadJoiner(const ThreadJoiner&) = delete;
    ThreadJoiner& operator=(const ThreadJoiner&) = delete;

  private:
    std::thread& thread_;
};

}  // namespace

Result<std::unique_ptr<CommandStartup>> start_command(
    const std::optional<std::string>& config_flag, Startup startup, std::ostream& err,
    const std::function<void(const HostConfig&)>& config_read) {
    // OpenSSL's first use in a process loads its configuration and providers (about 2 ms);
    // hashing the plugin's private copy would wait for it. It starts now, beside the config
    // read and the plugin file's checks (issue 12's cold run).
    std::thread warm_up;
    if (startup != Startup::kConfigOnly) {
        warm_up = std::thread(warm_up_sha256);
    }
    const ThreadJoiner join_warm_up(warm_up);
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
    started->library.keep_plugins_mapped_until_exit();  // one-shot commands only load here
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
