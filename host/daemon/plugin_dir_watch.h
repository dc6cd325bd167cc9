// Watches the plugin directory (inotify) and asks for a reload once changes have settled:
// installing by temp file + rename, or several files at once, gives one reload, not one per
// event. Dot-files (temp names) and names that are not plugins are ignored.
//
// inotify directly rather than Poco::DirectoryWatcher: the watch is armed before the
// constructor returns, so no change made after the daemon says it is ready can be missed
// (Poco arms it on a background thread, ~50 ms later).
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "util/host_error.h"

namespace taskhost {

class PluginDirWatch {
  public:
    // `on_change` runs on the watch thread, `settle` after the last relevant event.
    static Result<std::unique_ptr<PluginDirWatch>> start(const std::string& plugin_dir,
                                                         std::chrono::milliseconds settle,
                                                         std::function<void()> on_change);
    ~PluginDirWatch();  // stops and joins the thread
    PluginDirWatch(const PluginDirWatch&) = delete;
    PluginDirWatch& operator=(const PluginDirWatch&) = delete;

  private:
    PluginDirWatch(int inotify_fd, int stop_fd, std::chrono::milliseconds settle,
                   std::function<void()> on_change);
    void run();
    bool drain_events();  // true: a plugin file changed

    int inotify_fd_;
    int stop_fd_;  // an eventfd: written once to stop the thread
    std::chrono::milliseconds settle_;
    std::function<void()> on_change_;
    std::thread thread_;
};

}  // namespace taskhost
