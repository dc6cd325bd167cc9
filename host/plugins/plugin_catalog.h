// Every plugin in the plugin directory that could be trusted and loaded, which task each
// offers, and why the others were refused. A refused plugin never stops the others.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "plugins/plugin_library.h"
#include "util/host_error.h"

namespace taskhost {

struct PluginRefusal {
    std::string file;
    HostError reason;
};

struct TaskOffer {
    std::shared_ptr<const PluginGeneration> plugin;  // keeps the task's code loaded
    const TaskDescription* task = nullptr;           // points into plugin's description
};

// A name scan() loads: "*.so", not starting with '.' (temp-file-then-rename installs stage the
// file under a dot name).
bool is_plugin_file_name(const std::string& name);

class PluginCatalog {
  public:
    // Loads every *.so in `plugin_dir` (names starting with '.' are skipped: that is where
    // temp-file-then-rename installs stage the file), in name order. Fails only when the
    // directory itself is unusable or untrusted; single plugins are refused one by one.
    // With `previous` (a reload): a file whose bytes did not change keeps its generation, and a
    // file that is refused now keeps serving the generation `previous` had for it (the refusal
    // is still listed). A file no longer in the directory is gone from the new catalog.
    static Result<PluginCatalog> scan(const std::string& plugin_dir, PluginLibrary& library,
                                      const PluginCatalog* previous = nullptr);

    const std::vector<std::shared_ptr<const PluginGeneration>>& plugins() const { return plugins_; }
    const std::vector<PluginRefusal>& refusals() const { return refusals_; }
    std::optional<TaskOffer> find_task(const std::string& name) const;
    // The generation serving from `file` (a path as listed by scan), or null.
    std::shared_ptr<const PluginGeneration> plugin_from(const std::string& file) const;
    // Why this scan refused `file`, or null.
    const PluginRefusal* refusal_of(const std::string& file) const;
    std::vector<std::string> task_names() const;

  private:
    std::optional<HostError> task_clash(const PluginGeneration& plugin, const std::string& file,
                                        const std::string& plugin_dir) const;

    std::vector<std::shared_ptr<const PluginGeneration>> plugins_;
    std::vector<PluginRefusal> refusals_;
};

}  // namespace taskhost
