// The one way to ask work to stop: a CancelToken. Whoever owns the work cancels it (the daemon
// past its drain deadline, a manifest watch being stopped); a one-shot command's token also
// turns true on SIGINT/SIGTERM. The plugin sees it through host->cancelled and emits a
// "cancelled" outcome, so the caller still gets one JSON answer. A second signal of the same
// kind gets the default action (the process ends), for a plugin that ignores the first.
#pragma once

#include <atomic>
#include <memory>

namespace taskhost {

// SIGINT and SIGTERM, from now on, cancel every token made by CancelToken::with_signals().
void install_cancellation_signals();

class CancelToken {
  public:
    // Cancelled only by cancel() on it or on a copy (copies share one flag).
    CancelToken() : flag_(std::make_shared<std::atomic<bool>>(false)) {}
    // Also cancelled once the process got SIGINT or SIGTERM (install_cancellation_signals).
    static CancelToken with_signals();

    void cancel() const { flag_->store(true); }
    bool requested() const;

  private:
    std::shared_ptr<std::atomic<bool>> flag_;
    bool signals_ = false;
};

}  // namespace taskhost
