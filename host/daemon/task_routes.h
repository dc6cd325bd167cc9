// POST /v1/tasks and GET /v1/tasks/{id}: from a request body to a queued job, and from a job
// to its answer. The caller's identity (SO_PEERCRED, or the TCP peer) goes to the audit log.
#pragma once

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <map>
#include <optional>
#include <string>

#include "daemon/daemon_api.h"
#include "daemon/peer_credentials.h"

namespace taskhost {

struct ApiCaller {
    std::optional<PeerCredentials> peer;  // unix socket
    std::string address;                  // TCP
};

void post_task(DaemonContext& context, Poco::Net::HTTPServerRequest& request,
               Poco::Net::HTTPServerResponse& response,
               const std::map<std::string, std::string>& query, const ApiCaller& caller);

void get_task(DaemonContext& context, const std::string& id,
              Poco::Net::HTTPServerResponse& response);

constexpr size_t kMaxDiscardedBodyBytes = 8 * 1024 * 1024;

// Reads a request body of at most `max_bytes`; nullopt: it is larger (answer 413).
std::optional<std::string> read_body(Poco::Net::HTTPServerRequest& request, size_t max_bytes);

}  // namespace taskhost
