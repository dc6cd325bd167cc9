#include "ledger/ledger_budget.h"

#include <Poco/Data/Statement.h>

#include "ledger/budget_rows.h"

#include <algorithm>
#include <thread>

namespace taskhost {
namespace {

using namespace Poco::Data::Keywords;
using Poco::Int64;
using std::chrono::milliseconds;

// A pending turn of a process that died never gets its answer: it stops counting after this.
constexpr int64_t kPendingExpiryMs = 60 * 1000;
// How often a waiter looks again while only an answer can free a place, and at most between two
// looks (another process may answer, or be throttled, meanwhile).
constexpr milliseconds kPoll{20};
constexpr milliseconds kLongestSleep{250};
// Reserving: at most this many turns at once, only an eighth of a window's free places, and no
// more than the turns this process has already taken (a one-task run reserves none; an apply
// reaches the most after a few looks), handed out for this long; a reserved turn stops counting
// after kReservedExpiryMs if its process dies (or its request outlives that, which no request
// under a task's deadline does).
constexpr int64_t kMaxReserve = 64;
constexpr milliseconds kReserveFor{200};
constexpr int64_t kReservedExpiryMs = 30 * 1000;

// How many turns to take now: 1 when any window is near full, up to kMaxReserve when all have
// plenty of room.
int64_t reserve_count(const std::vector<RateWindow>& windows, int64_t margin_ms,
                      const SharedWindowState& state, int64_t now_ms) {
    int64_t count = kMaxReserve;
    for (const RateWindow& window : windows) {
        if (window.requests <= 0 || window.per.count() <= 0) {
            continue;
        }
        const int64_t since = now_ms - window.per.count() - margin_ms + 1;
        const int64_t answered = static_cast<int64_t>(
            state.answered_ms.end() -
            std::lower_bound(state.answered_ms.begin(), state.answered_ms.end(), since));
        const int64_t free = window.requests - state.pending - answered;
        count = std::min(count, std::max<int64_t>(1, free / 8));
    }
    return count;
}

int64_t longest_window_ms(const std::vector<RateWindow>& windows) {
    int64_t longest = 0;
    for (const RateWindow& window : windows) {
        longest = std::max<int64_t>(longest, window.per.count());
    }
    return longest;
}

// Takes `count` turns: the one asked for (`*turn`, the longer expiry) and the reserve (`extra`),
// told apart by their expiry (RETURNING's order is not promised).
void take_turns(BudgetRows& rows, const std::string& bucket, int64_t count, int64_t now_ms,
                uint64_t* turn, std::vector<uint64_t>& extra) {
    const int64_t turn_expiry = now_ms + kPendingExpiryMs;
    bool handed = false;
    for (const auto& [id, expires] :
         rows.take(bucket, count, now_ms, turn_expiry, now_ms + kReservedExpiryMs)) {
        if (!handed && expires == turn_expiry) {
            *turn = static_cast<uint64_t>(id);
            handed = true;
        } else {
            extra.push_back(static_cast<uint64_t>(id));
        }
    }
}

}  // namespace

LedgerBudget::LedgerBudget(SqlConnection& connection, GroupCommit& group, milliseconds margin)
    : connection_(connection), group_(group), margin_(margin) {}

Check LedgerBudget::look(const std::string& bucket, const std::vector<RateWindow>& windows,
                         bool take, std::optional<int64_t>& next, int64_t& now_ms, uint64_t* turn) {
    const SqlDialect& dialect = *connection_.target().dialect;
    const std::vector<uint64_t> stale = drop_reserve(bucket, false);
    std::vector<uint64_t> extra;
    const Check bad = group_.run(
        bucket,
        [&](Poco::Data::Session& db, int64_t group_now_ms, WriteBatch&) {
            now_ms = group_now_ms;
            extra.clear();
            BudgetRows rows(db, dialect, connection_.native_statements());
            rows.give_back(bucket, stale);  // reserved and never handed out
            const int64_t held = rows.lock_bucket(bucket);
            const int64_t forget_before = now_ms - longest_window_ms(windows) - margin_.count();
            SharedWindowState state;
            const std::vector<int64_t> times = rows.window_times(bucket, forget_before, now_ms);
            for (const int64_t t : times) {
                if (t == 0) {
                    ++state.pending;
                } else {
                    state.answered_ms.push_back(t);
                }
            }
            state.held_until_ms = held;
            next = next_shared_turn(windows, margin_.count(), state, now_ms);
            if (take && next && *next <= now_ms) {
                const int64_t count =
                    std::min(reserve_count(windows, margin_.count(), state, now_ms),
                             std::max<int64_t>(1, turns_taken_.load()));
                take_turns(rows, bucket, count, now_ms, turn, extra);
            }
        },
        nullptr, /*durable=*/false);
    if (!bad && !extra.empty()) {
        keep_reserve(bucket, std::move(extra));
    }
    return bad;
}

LedgerBudget::~LedgerBudget() {
    group_.flush();  // answers that ride
    std::map<std::string, Reserve> left;
    {
        std::lock_guard<std::mutex> lock(reserve_mutex_);
        left.swap(reserves_);
    }
    if (left.empty()) {
        return;
    }
    const SqlDialect& dialect = *connection_.target().dialect;
    connection_.in_transaction(
        [&](Poco::Data::Session& db) {
            BudgetRows rows(db, dialect, connection_.native_statements());
            for (const auto& [bucket, reserve] : left) {
                rows.give_back(bucket, {reserve.turns.begin(), reserve.turns.end()});
            }
        },
        SqlConnection::Commit::kRelaxed);
}

bool LedgerBudget::take_reserved(const std::string& bucket, uint64_t* turn) {
    std::lock_guard<std::mutex> lock(reserve_mutex_);
    const auto found = reserves_.find(bucket);
    if (found == reserves_.end() || found->second.turns.empty() ||
        Clock::now() >= found->second.until) {
        return false;
    }
    if (turn != nullptr) {
        *turn = found->second.turns.front();
    }
    found->second.turns.pop_front();
    return true;
}

bool LedgerBudget::has_reserve(const std::string& bucket) {
    std::lock_guard<std::mutex> lock(reserve_mutex_);
    const auto found = reserves_.find(bucket);
    return found != reserves_.end() && !found->second.turns.empty() &&
           Clock::now() < found->second.until;
}

std::vector<uint64_t> LedgerBudget::drop_reserve(const std::string& bucket, bool even_fresh) {
    std::lock_guard<std::mutex> lock(reserve_mutex_);
    const auto found = reserves_.find(bucket);
    if (found == reserves_.end() || (!even_fresh && Clock::now() < found->second.until)) {
        return {};
    }
    std::vector<uint64_t> dropped(found->second.turns.begin(), found->second.turns.end());
    reserves_.erase(found);
    return dropped;
}

void LedgerBudget::keep_reserve(const std::string& bucket, std::vector<uint64_t> turns) {
    std::lock_guard<std::mutex> lock(reserve_mutex_);
    Reserve& reserve = reserves_[bucket];
    reserve.turns.insert(reserve.turns.end(), turns.begin(), turns.end());
    reserve.until = Clock::now() + kReserveFor;
}

SharedBudget::Turn LedgerBudget::wait(const std::string& bucket,
                                      const std::vector<RateWindow>& windows, bool take,
                                      const std::function<bool()>& cancelled,
                                      std::optional<Clock::time_point> deadline, uint64_t* turn) {
    for (;;) {
        if (cancelled && cancelled()) {
            return Turn::kCancelled;
        }
        if (take && take_reserved(bucket, turn)) {
            return Turn::kGo;
        }
        if (!take && has_reserve(bucket)) {
            return Turn::kGo;  // turns already taken are waiting here: there is room
        }
        std::optional<int64_t> next;
        int64_t now_ms = 0;
        uint64_t taken = 0;
        if (Check bad = look(bucket, windows, take, next, now_ms, &taken)) {
            std::lock_guard<std::mutex> lock(error_mutex_);
            last_error_ = bad->text();
            return Turn::kUnavailable;
        }
        if (next && *next <= now_ms) {
            if (turn != nullptr) {
                *turn = taken;
            }
            return Turn::kGo;
        }
        const milliseconds wait =
            next ? std::min(milliseconds(*next - now_ms), kLongestSleep) : kPoll;
        if (deadline && next && Clock::now() + milliseconds(*next - now_ms) > *deadline) {
            return Turn::kOutOfTime;
        }
        if (deadline && !next && Clock::now() >= *deadline) {
            return Turn::kOutOfTime;
        }
        std::this_thread::sleep_for(std::min(wait, kLongestSleep));
    }
}

SharedBudget::Turn LedgerBudget::take(const std::string& bucket,
                                      const std::vector<RateWindow>& windows,
                                      const std::function<bool()>& cancelled,
                                      std::optional<Clock::time_point> deadline, uint64_t* turn) {
    const Turn got = wait(bucket, windows, true, cancelled, deadline, turn);
    if (got == Turn::kGo) {
        turns_taken_.fetch_add(1);
    }
    return got;
}

SharedBudget::Turn LedgerBudget::await_room(const std::string& bucket,
                                            const std::vector<RateWindow>& windows,
                                            const std::function<bool()>& cancelled) {
    return wait(bucket, windows, false, cancelled, std::nullopt, nullptr);
}

void LedgerBudget::complete(const std::string& bucket, uint64_t turn) {
    const auto answer = [turn](Poco::Data::Session&, int64_t, WriteBatch& batch) {
        batch.answer_turn(static_cast<int64_t>(turn));
    };
    if (has_reserve(bucket)) {
        // Every window has much room (turns are reserved): the answer rides with the next
        // commit, the task's own completion, which follows at once, instead of one of its own.
        // Until then the turn counts as pending, which only makes every process pace a little
        // more, and only a few places of a window with room for many.
        group_.ride(bucket, answer);
        return;
    }
    if (const Check bad = group_.run(bucket, answer, nullptr, /*durable=*/false)) {
        // The turn stays pending until it expires: other processes pace a little more.
        std::lock_guard<std::mutex> lock(error_mutex_);
        last_error_ = bad->text();
    }
}

void LedgerBudget::throttled(const std::string& bucket, milliseconds hold) {
    const SqlDialect& dialect = *connection_.target().dialect;
    const std::vector<uint64_t> reserved = drop_reserve(bucket, true);  // none goes after a 429
    const Check bad = connection_.in_transaction(
        [&](Poco::Data::Session& db) {
            BudgetRows(db, dialect, connection_.native_statements()).give_back(bucket, reserved);
            const int64_t until = database_now_ms(db, dialect) + hold.count();
            db << "INSERT INTO taskhost_pacing_bucket (bucket, held_until) VALUES ($1, $2)"
                  " ON CONFLICT (bucket) DO UPDATE SET held_until = CASE WHEN"
                  " taskhost_pacing_bucket.held_until > $3 THEN taskhost_pacing_bucket.held_until"
                  " ELSE $4 END",
                bind(bucket), bind(Int64(until)), bind(Int64(until)), bind(Int64(until)), now;
        },
        SqlConnection::Commit::kRelaxed);
    if (bad) {
        std::lock_guard<std::mutex> lock(error_mutex_);
        last_error_ = bad->text();
    }
}

std::string LedgerBudget::last_error() const {
    std::lock_guard<std::mutex> lock(error_mutex_);
    return last_error_;
}

}  // namespace taskhost
