#include "util/cancellation.h"

#include <csignal>

namespace taskhost {
namespace {

// A signal handler may only touch a lock-free atomic or a volatile sig_atomic_t.
volatile std::sig_atomic_t g_cancel_requested = 0;

extern "C" void on_cancel_signal(int) {
    g_cancel_requested = 1;
}

}  // namespace

void install_cancellation_signals() {
    struct sigaction action {};
    action.sa_handler = on_cancel_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART | SA_RESETHAND;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

CancelToken CancelToken::with_signals() {
    CancelToken token;
    token.signals_ = true;
    return token;
}

bool CancelToken::requested() const {
    return flag_->load() || (signals_ && g_cancel_requested != 0);
}

}  // namespace taskhost
