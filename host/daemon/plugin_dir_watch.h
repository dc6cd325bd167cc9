// Watches the plugin directory and asks for a reload once changes have settled (a
// DirectoryWatch, util/directory_watch.h): installing by temp file + rename, or several files at
// once, gives one reload, not one per event. Dot-files (temp names) and names that are not
// plugins are ignored; a chmod counts, since it can make a plugin trusted or untrusted. The
// watch is armed before start() returns, so no change made after the daemon says it is ready
// can be missed.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "util/directory_watch.h"
#include "util/host_error.h"

namespace taskhost {

class PluginDirWatch {
  public:
    // `on_change` runs on the watch thread, `settle` after the last relevant event.
    static Result<std::unique_ptr<PluginDirWatch>> start(const std::string& plugin_dir,
                                                         std::chrono::milliseconds settle,
                                                         std::function<void()> on_change);
    ~PluginDirWatch() = default;  // stops and joins the watch's thread
    PluginDirWatch(const PluginDirWatch&) = delete;
    PluginDirWatch& operator=(const PluginDirWatch&) = delete;

  private:
    explicit PluginDirWatch(std::unique_ptr<DirectoryWatch> watch) : watch_(std::move(watch)) {}

    std::unique_ptr<DirectoryWatch> watch_;
};

}  // namespace taskhost
