// POST /v1/tasks and GET /v1/tasks/{id}: from a request body to a queued job, and from a job
// to its answer. The caller's identity (SO_PEERCRED, or the TCP peer) goes to the audit log.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "daemon/daemon_api.h"
#include "daemon/http_message.h"
#include "daemon/peer_credentials.h"

namespace taskhost {

struct ApiCaller {
    std::optional<PeerCredentials> peer;  // unix socket
    std::string address;                  // TCP
};

// The history's who for what `caller` asks: the client's uid and pid on the unix socket, the
// daemon's own on TCP.
Caller ledger_caller(const ApiCaller& caller);

// The body comes read whole by the front (at most kMaxTaskBodyBytes kept; longer ones arrive
// flagged body_too_large and are answered 413).
void post_task(DaemonContext& context, const HttpRequest& request, HttpAnswer& response,
               const std::map<std::string, std::string>& query, const ApiCaller& caller);

void get_task(DaemonContext& context, const std::string& id, HttpAnswer& response);

// DELETE /v1/tasks/{id}: cancels a queued or running task (the plugin sees host->cancelled; a
// send blocked on the network is closed at once). 202 {"id","status":"cancelling"}; 409 when
// it has already finished; 404 when no task has that id.
void cancel_task(DaemonContext& context, const std::string& id, const ApiCaller& caller,
                 HttpAnswer& response);

// A body longer than this is not even read: the connection ends with the 413.
constexpr size_t kMaxDiscardedBodyBytes = 8 * 1024 * 1024;

}  // namespace taskhost
