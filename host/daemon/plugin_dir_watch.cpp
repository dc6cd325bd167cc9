#include "daemon/plugin_dir_watch.h"

#include "plugins/plugin_catalog.h"

namespace taskhost {

Result<std::unique_ptr<PluginDirWatch>> PluginDirWatch::start(const std::string& plugin_dir,
                                                              std::chrono::milliseconds settle,
                                                              std::function<void()> on_change) {
    DirectoryWatchSettings settings;
    settings.settle = settle;
    settings.accept = is_plugin_file_name;
    settings.attributes = true;  // a chmod can make a plugin trusted or untrusted
    settings.what = "plugin directory";
    Result<std::unique_ptr<DirectoryWatch>> watch =
        DirectoryWatch::start(plugin_dir, std::move(settings), std::move(on_change));
    if (!watch.ok()) {
        HostError error = watch.error();
        error.fix +=
            ", or set \"watch_plugin_dir\": false and reload with SIGHUP or taskhost reload";
        return error;
    }
    return std::unique_ptr<PluginDirWatch>(new PluginDirWatch(std::move(watch.value())));
}

}  // namespace taskhost
