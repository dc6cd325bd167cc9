// The host's pacer: one per process, shared by every task that runs in it (a manifest apply's
// workers, the daemon's tasks, CLI runs sent through the daemon), and owned by the host, not by
// a plugin, so it survives plugin reloads. A plugin reaches it through taskhost_host.acquire /
// throttled (see task_invocation.h); a bucket is the plugin's name for one API key.
//
// acquire() blocks until a turn fits every window of the bucket (see bucket_schedule.h), in
// the order callers asked (FIFO per bucket, so no task starves); throttled() holds the whole
// bucket after a 429. Both are thread-safe; waiting is cancellable, and stop() wakes everyone.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "pacing/bucket_schedule.h"
#include "pacing/rate_window.h"
#include "pacing/shared_budget.h"

namespace taskhost {

struct PacerSettings {
    // Added to every window, on top of logging each turn at its answer (bucket_schedule.h):
    // slack for a server that stamps a request a little after it answered it. 50 ms costs
    // 1% of DigiCert's 5 s window, and only while a window is full.
    std::chrono::milliseconds safety_margin{50};
    BucketSchedule::Backoff backoff{};
    // How often a waiter looks at its `cancelled` callback.
    std::chrono::milliseconds cancel_poll{50};
};

class HostPacer {
  public:
    using Clock = std::chrono::steady_clock;
    // kUnavailable: the shared budget (the ledger) cannot be reached; nothing may be sent.
    enum class Turn { kGo, kCancelled, kOutOfTime, kUnavailable };

    struct BucketStats {
        uint64_t granted = 0;
        size_t pending = 0;
        uint64_t throttles = 0;
        size_t waiting = 0;
        // Total time callers spent in acquire() on this bucket (whatever they got in the end),
        // since the bucket was last forgotten.
        std::chrono::duration<double> waited{0};
        std::vector<RateWindow> windows;
    };

    explicit HostPacer(PacerSettings settings = PacerSettings{});
    HostPacer(const HostPacer&) = delete;
    HostPacer& operator=(const HostPacer&) = delete;

    // Every turn this pacer grants is then also taken from `shared` (the ledger's budget, which
    // every process on the ledger shares); null: this process paces alone. Set it before the
    // first acquire; `shared` must outlive the pacer's use.
    void share_with(SharedBudget* shared) { shared_ = shared; }

    // Waits for a turn on `bucket`, paced by `windows` (the latest caller's windows apply to
    // the bucket). kCancelled when `cancelled` says so or stop() was called; kOutOfTime when
    // the turn would come only after `deadline`. With `grant`, the turn stays pending (it
    // counts in every window as if its request were arriving now) until complete(bucket,
    // *grant) says it was answered; without, it is logged as answered at once.
    Turn acquire(const std::string& bucket, const std::vector<RateWindow>& windows,
                 const std::function<bool()>& cancelled,
                 std::optional<Clock::time_point> deadline = std::nullopt,
                 uint64_t* grant = nullptr);

    // The request of turn `grant` on `bucket` was answered (or was never sent). Call it once
    // per granted turn; a pending turn holds its place in every window until then.
    void complete(const std::string& bucket, uint64_t grant);

    // Waits, without taking a turn, until `bucket` would grant one at once to a new caller. A
    // manifest apply calls it before starting a task, so tasks wait for a full window here,
    // outside the plugin's own deadline. An unknown bucket has room.
    Turn await_room(const std::string& bucket, const std::function<bool()>& cancelled);

    // A 429 on `bucket`: every task on it waits `retry_after` (0: the pacer's backoff), in this
    // process and, through the shared budget, in every process that shares it.
    void throttled(const std::string& bucket, std::chrono::milliseconds retry_after);

    // Every waiter, now and later, gets kCancelled. For a daemon that shuts down.
    void stop();

    std::map<std::string, BucketStats> stats() const;
    const PacerSettings& settings() const { return settings_; }

  private:
    struct Bucket {
        BucketSchedule schedule;
        std::deque<uint64_t> queue;  // tickets of the callers waiting, in arrival order
        std::map<uint64_t, uint64_t> shared_turns;  // local grant -> the shared budget's turn
        std::vector<RateWindow> windows;            // the latest caller's
        Clock::duration waited{0};                  // in acquire(), all callers together
    };

    // acquire() without the bookkeeping of how long it took.
    Turn wait_for_turn(const std::string& name, const std::vector<RateWindow>& windows,
                       const std::function<bool()>& cancelled,
                       std::optional<Clock::time_point> deadline, uint64_t* grant);

    Turn take_shared(const std::string& name, const std::vector<RateWindow>& windows,
                     const std::function<bool()>& cancelled,
                     std::optional<Clock::time_point> deadline, uint64_t local, bool keep);

    Bucket& bucket_for(const std::string& name, const std::vector<RateWindow>* windows);
    void forget_idle_buckets(Clock::time_point now);
    // Runs `cancelled` without the lock held: it is the caller's code.
    bool ask_cancelled(std::unique_lock<std::mutex>& lock, const std::function<bool()>& cancelled);

    const PacerSettings settings_;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::map<std::string, Bucket> buckets_;
    uint64_t next_ticket_ = 0;
    bool stopped_ = false;
    SharedBudget* shared_ = nullptr;
};

}  // namespace taskhost
