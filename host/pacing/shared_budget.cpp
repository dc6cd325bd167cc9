#include "pacing/shared_budget.h"

#include <algorithm>

namespace taskhost {

std::optional<int64_t> next_shared_turn(const std::vector<RateWindow>& windows, int64_t margin_ms,
                                        const SharedWindowState& state, int64_t now_ms) {
    int64_t at = std::max(now_ms, state.held_until_ms);
    for (const RateWindow& window : windows) {
        if (window.requests <= 0 || window.per.count() <= 0) {
            continue;
        }
        const int64_t span = window.per.count() + margin_ms;
        // Answers still inside the window at `now_ms`, oldest first.
        const auto first =
            std::lower_bound(state.answered_ms.begin(), state.answered_ms.end(), now_ms - span + 1);
        const int64_t answered = static_cast<int64_t>(state.answered_ms.end() - first);
        const int64_t excess = state.pending + answered - window.requests + 1;
        if (excess <= 0) {
            continue;
        }
        if (excess > answered) {
            return std::nullopt;
        }
        at = std::max(at, *(first + (excess - 1)) + span);
    }
    return at;
}

}  // namespace taskhost
