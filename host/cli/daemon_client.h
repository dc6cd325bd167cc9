// A client of the daemon's API over its unix socket: one HTTP/1.1 request per connection
// (Poco's HTTPClientSession on a StreamSocket connected to the socket's address). Used by
// `taskhost run --socket`, `plugins --socket`, `reload`, and by the tests.
#pragma once

#include <string>

#include "util/host_error.h"

namespace taskhost {

struct DaemonAnswer {
    int http_status = 0;
    std::string body;
    std::string retry_after;  // the Retry-After header, if any
};

constexpr size_t kMaxDaemonAnswerBytes = 8 * 1024 * 1024;

class DaemonClient {
  public:
    explicit DaemonClient(std::string socket_path) : socket_path_(std::move(socket_path)) {}

    // `body` empty: no body. Connection problems are a HostError naming the socket and the fix.
    Result<DaemonAnswer> request(const std::string& method, const std::string& path,
                                 const std::string& body = "") const;

    const std::string& socket_path() const { return socket_path_; }

  private:
    std::string socket_path_;
};

}  // namespace taskhost
