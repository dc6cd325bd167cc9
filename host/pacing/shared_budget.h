// The budget a bucket shares with other processes and hosts (the ledger's, ledger/ledger_budget.h)
// as the host pacer sees it. The pacer stays the fast path inside a process: it grants a turn
// among the process's own callers first, then asks the shared budget, which is what processes
// agree on. Without a shared budget (null) the pacer paces its process alone.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "pacing/rate_window.h"

namespace taskhost {

class SharedBudget {
  public:
    using Clock = std::chrono::steady_clock;
    enum class Turn { kGo, kCancelled, kOutOfTime, kUnavailable };

    virtual ~SharedBudget() = default;

    // Waits until one more turn on `bucket` fits every window across every process sharing the
    // budget, and records it as pending (it counts as arriving now until complete()). kUnavailable
    // when the budget cannot be reached: the caller must not send.
    virtual Turn take(const std::string& bucket, const std::vector<RateWindow>& windows,
                      const std::function<bool()>& cancelled,
                      std::optional<Clock::time_point> deadline, uint64_t* turn) = 0;
    // The request of `turn` was answered (or never sent).
    virtual void complete(const std::string& bucket, uint64_t turn) = 0;
    // A 429: every process holds `bucket` for `hold`.
    virtual void throttled(const std::string& bucket, std::chrono::milliseconds hold) = 0;
    // Waits, without taking a turn, until `bucket` has room for one more.
    virtual Turn await_room(const std::string& bucket, const std::vector<RateWindow>& windows,
                            const std::function<bool()>& cancelled) = 0;
};

// The shared log of one bucket at one moment, in the shared clock's milliseconds.
struct SharedWindowState {
    std::vector<int64_t> answered_ms;  // answer times of completed turns, ascending
    int64_t pending = 0;               // turns granted and not answered (and not expired)
    int64_t held_until_ms = 0;         // a 429's hold; 0: none
};

// The earliest time, not before `now_ms`, at which one more turn fits every window of `state`
// (each widened by `margin_ms`) and the bucket is not held. nullopt when pending turns alone fill
// a window: only an answer frees it.
std::optional<int64_t> next_shared_turn(const std::vector<RateWindow>& windows, int64_t margin_ms,
                                        const SharedWindowState& state, int64_t now_ms);

}  // namespace taskhost
