// Watches one directory with inotify and calls back once changes to the names it cares about
// have settled: installing by temp file + rename, or several files at once, gives one callback,
// not one per event. The plugin directory watch (daemon) and the manifests watch (manifest) are
// its two users.
//
// What counts as a change: a file closed after writing (IN_CLOSE_WRITE), renamed in or out
// (IN_MOVED_TO, IN_MOVED_FROM), deleted (IN_DELETE), optionally a mode or owner change
// (IN_ATTRIB); and, whatever the name, lost events (IN_Q_OVERFLOW) or the directory itself
// going away. Creating a file is not a change by itself: a file still being written (a slow
// copy) counts once it is closed, so nobody reads it half-written.
//
// inotify directly rather than Poco::DirectoryWatcher: the watch is armed before start()
// returns, so no change made after the caller goes on (e.g. says it is ready) can be missed
// (Poco arms it on a background thread, ~50 ms later).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "util/host_error.h"

namespace taskhost {

struct DirectoryWatchSettings {
    // Quiet time after the last relevant event before the callback. A directory that never
    // goes quiet still gets a callback every 10 settle periods.
    std::chrono::milliseconds settle{100};
    // Names starting with '.' (temp files of a rename install) never count.
    bool ignore_dot_files = true;
    // Which other names count; empty: all of them.
    std::function<bool(const std::string& name)> accept;
    // A chmod or chown of an entry counts too (e.g. it makes a plugin trusted or not).
    bool attributes = false;
    // Names the directory in errors: "plugin directory", "manifests directory".
    std::string what = "directory";
};

class DirectoryWatch {
  public:
    // Runs on the watch's own thread, one call at a time; must not throw, and should return
    // quickly (events that arrive meanwhile give another call once they settle).
    using OnChange = std::function<void()>;

    // Armed when this returns. An error (naming `settings.what` and `directory`) when the
    // directory is missing, not a directory, or inotify is out of instances or watches.
    static Result<std::unique_ptr<DirectoryWatch>> start(const std::string& directory,
                                                         DirectoryWatchSettings settings,
                                                         OnChange on_change);
    ~DirectoryWatch();  // stop()
    DirectoryWatch(const DirectoryWatch&) = delete;
    DirectoryWatch& operator=(const DirectoryWatch&) = delete;

    // Stops the thread without waiting for the settle time; once it returns, on_change is not
    // running and will not run again. Any thread may call it, any number of times; from within
    // on_change it only asks the thread to stop (the destructor then joins it).
    void stop();

  private:
    DirectoryWatch(int inotify_fd, int stop_fd, DirectoryWatchSettings settings,
                   OnChange on_change);
    void run();
    bool drain_events();  // true: a relevant change was read
    bool counts(const std::string& name) const;

    const int inotify_fd_;
    const int stop_fd_;  // an eventfd: written to stop the thread
    const DirectoryWatchSettings settings_;
    const OnChange on_change_;
    std::mutex stop_mutex_;  // serialises stop()
    std::thread thread_;
};

}  // namespace taskhost
