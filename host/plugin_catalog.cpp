#include "plugin_catalog.h"

#include <algorithm>
#include <filesystem>

#include "file_trust.h"

namespace taskhost {
namespace {

namespace fs = std::filesystem;

constexpr size_t kMaxPluginFiles = 1000;

bool is_plugin_file_name(const std::string& name) {
    const std::string suffix = ".so";
    return name.size() > suffix.size() && name[0] != '.' &&
           name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

Result<PluginCatalog> PluginCatalog::scan(const std::string& plugin_dir, PluginLibrary& library) {
    if (Check bad = check_trusted_directory(plugin_dir, "plugin directory")) {
        return *bad;
    }
    std::vector<std::string> files;
    std::error_code ec;
    for (fs::directory_iterator it(plugin_dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (is_plugin_file_name(name)) {
            files.push_back(it->path().string());
        }
        if (files.size() > kMaxPluginFiles) {
            return HostError{"plugin directory " + plugin_dir,
                             "holds more than " + std::to_string(kMaxPluginFiles) + " plugins",
                             "keep only the plugins you use there"};
        }
    }
    if (ec) {
        return HostError{"plugin directory " + plugin_dir, "cannot be listed: " + ec.message(),
                         "check its permissions"};
    }
    std::sort(files.begin(), files.end());

    PluginCatalog catalog;
    for (const std::string& file : files) {
        Result<std::shared_ptr<const PluginGeneration>> loaded = library.load(file);
        if (!loaded.ok()) {
            catalog.refusals_.push_back(PluginRefusal{file, loaded.error()});
            continue;
        }
        const std::shared_ptr<const PluginGeneration>& plugin = loaded.value();
        // A task name must lead to exactly one plugin; the first file (in name order) keeps it.
        std::optional<HostError> clash;
        for (const TaskDescription& task : plugin->description().tasks) {
            if (std::optional<TaskOffer> owner = catalog.find_task(task.name)) {
                clash = HostError{"plugin file " + file,
                                  "plugin " + plugin->name() + " offers task " + task.name +
                                      ", which plugin " + owner->plugin->name() + " (" +
                                      owner->plugin->source_path() + ") already offers",
                                  "remove one of the two plugins from " + plugin_dir};
                break;
            }
        }
        if (clash) {
            catalog.refusals_.push_back(PluginRefusal{file, *clash});
            continue;
        }
        catalog.plugins_.push_back(plugin);
    }
    return catalog;
}

std::optional<TaskOffer> PluginCatalog::find_task(const std::string& name) const {
    for (const auto& plugin : plugins_) {
        for (const TaskDescription& task : plugin->description().tasks) {
            if (task.name == name) {
                return TaskOffer{plugin, &task};
            }
        }
    }
    return std::nullopt;
}

std::vector<std::string> PluginCatalog::task_names() const {
    std::vector<std::string> names;
    for (const auto& plugin : plugins_) {
        for (const TaskDescription& task : plugin->description().tasks) {
            names.push_back(task.name);
        }
    }
    return names;
}

}  // namespace taskhost
