// What a listener's front (http_front.h) serves: the daemon's API implements it. The front
// reads requests whole on its event loop and calls `answer` on a worker of the lane `lane`
// chooses; `admit` runs on the loop as soon as a head is complete, before any body byte is
// read and before any worker is used (the TCP listener's bearer token is checked there).
#pragma once

#include <optional>
#include <string>

#include "daemon/http_message.h"

namespace taskhost {

enum class HttpLane {
    kHealth,   // GET /v1/health: never waits behind anything else
    kQuick,    // the other routes that answer at once
    kWaiting,  // POST /v1/tasks, which by default waits for its task to end
};
constexpr int kHttpLaneCount = 3;

class HttpService {
  public:
    virtual ~HttpService() = default;
    // Loop thread, cheap: an answer refuses the request (the connection closes after it).
    virtual std::optional<HttpAnswer> admit(const HttpRequest& head) = 0;
    virtual HttpLane lane(const HttpRequest& head) const = 0;
    // A worker thread: the whole request, body included.
    virtual HttpAnswer answer(HttpRequest& request) = 0;
    // The front's own refusals (malformed head, 408, 431), in the API's error shape.
    virtual HttpAnswer refusal(int status, const std::string& kind, const std::string& msg,
                               const std::string& fix) const = 0;
};

}  // namespace taskhost
