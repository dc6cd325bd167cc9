// One thread for the whole plugin watches every attempt's connection: at the attempt's
// wall-clock deadline, or as soon as its caller cancels, it shuts that connection down, which
// ends any read or write in progress on it at once (a thread per attempt cost a quarter of an
// apply's CPU). Deadlines are exact; cancellation is asked for every kPollInterval.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace digicert_dcv {

// Why the watcher cut a connection. Written under the watcher's mutex; read by the attempt
// after ConnectionWatcher::remove() returned (which orders the two).
struct WatchVerdict {
    bool deadline_passed = false;
    bool cancelled = false;
};

// Non-zero when the caller asked to stop (the host's `cancelled` callback). Called from the
// watcher's thread while the attempt is watched, which the ABI allows: the call ends before
// the execution does (remove() waits for it).
using CancelProbe = std::function<bool()>;

class ConnectionWatcher {
  public:
    using Clock = std::chrono::steady_clock;
    static constexpr std::chrono::milliseconds kPollInterval{50};

    static ConnectionWatcher& shared();

    // Watches `fd` until remove(): shut down at `deadline`, or when `cancelled` (may be null or
    // empty) says so. `cancelled` and `verdict` must outlive the watch.
    uint64_t add(int fd, Clock::time_point deadline, const CancelProbe* cancelled,
                 WatchVerdict* verdict);
    // After this returns the watcher holds neither the descriptor nor the pointers.
    void remove(uint64_t id);

    ~ConnectionWatcher();  // stopped and joined when the plugin is unloaded
    ConnectionWatcher(const ConnectionWatcher&) = delete;
    ConnectionWatcher& operator=(const ConnectionWatcher&) = delete;

  private:
    struct Entry {
        uint64_t id;
        int fd;
        const CancelProbe* cancelled;
        WatchVerdict* verdict;
    };
    using Entries = std::multimap<Clock::time_point, Entry>;

    ConnectionWatcher() = default;
    void run();
    void cut(Entries::iterator entry);
    void cut_cancelled();  // every entry whose caller cancelled
    Clock::time_point next_wake() const;

    std::mutex mutex_;
    std::condition_variable wake_;
    Entries entries_;
    std::map<uint64_t, Entries::iterator> ids_;
    int cancellable_ = 0;  // entries with a probe: the watcher polls while there are any
    Clock::time_point next_poll_{};
    uint64_t next_id_ = 0;
    bool stop_ = false;
    std::thread thread_;
};

}  // namespace digicert_dcv
