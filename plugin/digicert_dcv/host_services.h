// The host's optional services for one execution (log, cancelled, acquire, throttled,
// answered), as the DigiCert task uses them: a thin layer on taskhost::sdk::Host, which keeps
// the ABI's size rule (a field the host's `size` does not cover, or a NULL callback, is a
// service it does not offer). What it adds: every log line is made printable and passes the
// secret redaction.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "secret_string.h"
#include "taskhost/plugin.h"
#include "taskhost/plugin_sdk.hpp"

namespace digicert_dcv {

class HostServices {
  public:
    explicit HostServices(const taskhost_host* host) : host_(host) {}

    // Anything equal to `secret` is redacted from every later log line.
    void set_secret(std::string_view secret) { secret_ = SecretString(secret); }

    void log(taskhost_log_level level, const std::string& line) const;
    bool cancelled() const { return host_.cancelled(); }

    bool offers_acquire() const { return host_.offers_acquire(); }
    // The host's turn on `bucket`: true to go; false when the host says cancelled / out of time.
    bool acquire(const std::string& bucket) const { return host_.acquire(bucket); }
    // Tells the host (when it offers `throttled`) that `bucket` got a 429.
    void throttled(const std::string& bucket, std::chrono::milliseconds retry_after) const {
        host_.throttled(bucket, retry_after);
    }

    // Tells the host (when it offers `answered`) how one HTTP attempt on `route` ended: its
    // HTTP status, or 0 when no answer came.
    void answered(const std::string& route, int status) const {
        host_.answered(route.c_str(), status);
    }

    // Sleeps `duration` in slices of at most 50 ms, asking `cancelled` between them; false when
    // cancelled meanwhile.
    bool sleep_unless_cancelled(std::chrono::milliseconds duration) const {
        return host_.sleep_unless_cancelled(duration);
    }

  private:
    taskhost::sdk::Host host_;
    SecretString secret_;  // wiped with the services
};

}  // namespace digicert_dcv
