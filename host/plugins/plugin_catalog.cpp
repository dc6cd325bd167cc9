#include "plugins/plugin_catalog.h"

#include <algorithm>
#include <filesystem>

#include "util/file_trust.h"

namespace taskhost {
namespace {

namespace fs = std::filesystem;

constexpr size_t kMaxPluginFiles = 1000;

}  // namespace

bool is_plugin_file_name(const std::string& name) {
    const std::string suffix = ".so";
    return name.size() > suffix.size() && name[0] != '.' &&
           name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

Result<PluginCatalog> PluginCatalog::scan(const std::string& plugin_dir, PluginLibrary& library,
                                          const PluginCatalog* previous) {
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
        const std::shared_ptr<const PluginGeneration> serving =
            previous != nullptr ? previous->plugin_from(file) : nullptr;
        Result<std::shared_ptr<const PluginGeneration>> loaded = library.load(file, serving);
        if (!loaded.ok()) {
            catalog.refusals_.push_back(PluginRefusal{file, loaded.error()});
        }
        // A refused reload leaves the generation that was serving in place.
        std::shared_ptr<const PluginGeneration> plugin = loaded.ok() ? loaded.value() : serving;
        if (plugin == nullptr) {
            continue;
        }
        std::optional<HostError> clash = catalog.task_clash(*plugin, file, plugin_dir);
        if (clash && plugin != serving && serving != nullptr &&
            !catalog.task_clash(*serving, file, plugin_dir)) {
            catalog.refusals_.push_back(PluginRefusal{file, *clash});
            plugin = serving;
            clash.reset();
        }
        if (clash) {
            catalog.refusals_.push_back(PluginRefusal{file, *clash});
            continue;
        }
        catalog.plugins_.push_back(plugin);
    }
    return catalog;
}

// A task name must lead to exactly one plugin; the first file (in name order) keeps it.
std::optional<HostError> PluginCatalog::task_clash(const PluginGeneration& plugin,
                                                   const std::string& file,
                                                   const std::string& plugin_dir) const {
    for (const TaskDescription& task : plugin.description().tasks) {
        if (std::optional<TaskOffer> owner = find_task(task.name)) {
            return HostError{"plugin file " + file,
                             "plugin " + plugin.name() + " offers task " + task.name +
                                 ", which plugin " + owner->plugin->name() + " (" +
                                 owner->plugin->source_path() + ") already offers",
                             "remove one of the two plugins from " + plugin_dir};
        }
    }
    return std::nullopt;
}

std::shared_ptr<const PluginGeneration> PluginCatalog::plugin_from(const std::string& file) const {
    for (const auto& plugin : plugins_) {
        if (plugin->source_path() == file) {
            return plugin;
        }
    }
    return nullptr;
}

const PluginRefusal* PluginCatalog::refusal_of(const std::string& file) const {
    for (const PluginRefusal& refusal : refusals_) {
        if (refusal.file == file) {
            return &refusal;
        }
    }
    return nullptr;
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
