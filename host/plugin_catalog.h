// Every plugin in the plugin directory that could be trusted and loaded, which task each
// offers, and why the others were refused. A refused plugin never stops the others.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "host_error.h"
#include "plugin_library.h"

namespace taskhost {

struct PluginRefusal {
    std::string file;
    HostError reason;
};

struct TaskOffer {
    std::shared_ptr<const PluginGeneration> plugin;  // keeps the task's code loaded
    const TaskDescription* task = nullptr;           // points into plugin's description
};

class PluginCatalog {
  public:
    // Loads every *.so in `plugin_dir` (names starting with '.' are skipped: that is where
    // temp-file-then-rename installs stage the file), in name order. Fails only when the
    // directory itself is unusable or untrusted; single plugins are refused one by one.
    static Result<PluginCatalog> scan(const std::string& plugin_dir, PluginLibrary& library);

    const std::vector<std::shared_ptr<const PluginGeneration>>& plugins() const { return plugins_; }
    const std::vector<PluginRefusal>& refusals() const { return refusals_; }
    std::optional<TaskOffer> find_task(const std::string& name) const;
    std::vector<std::string> task_names() const;

  private:
    std::vector<std::shared_ptr<const PluginGeneration>> plugins_;
    std::vector<PluginRefusal> refusals_;
};

}  // namespace taskhost
