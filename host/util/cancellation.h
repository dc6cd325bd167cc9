// SIGINT and SIGTERM ask the running task to stop: the plugin sees it through host->cancelled
// and emits a "cancelled" outcome, so the caller still gets one JSON answer. A second signal
// of the same kind gets the default action (the process ends), for a plugin that ignores it.
#pragma once

namespace taskhost {

void install_cancellation_signals();
bool cancellation_requested();

}  // namespace taskhost
