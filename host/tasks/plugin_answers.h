// What a plugin reports through taskhost_host.answered (one HTTP request's end), made safe to
// name a metric's series: the route is the plugin's string and the status any int, so both are
// checked here before the host keeps them. A route of 1..kMaxRouteBytes printable ASCII bytes is
// kept as it is; anything else is "other". A status is 100..599 as its number, 0 for "no
// answer", anything else "other".
#pragma once

#include <functional>
#include <string>

namespace taskhost {

constexpr size_t kMaxRouteBytes = 128;

struct PluginAnswer {
    std::string plugin;  // the plugin's name (from its describe)
    std::string route;   // e.g. "PUT /domain/{id}/dcv/emails", or "other"
    std::string status;  // "204", "0" (no answer), or "other"
};

// Told each answer a plugin reports, from the thread running the plugin: must be thread-safe
// and quick (the daemon counts it in its metrics).
using AnswerSink = std::function<void(const PluginAnswer& answer)>;

// `route` as a label value: NULL, empty, longer than kMaxRouteBytes, or holding a byte outside
// 0x20..0x7E gives "other".
std::string answer_route(const char* route);

// `status` as a label value: "100".."599", "0", or "other".
std::string answer_status(int status);

}  // namespace taskhost
