// Sends one HTTP attempt of a CertCentralRequest to CertCentral through a pooled keep-alive
// HTTPS session and returns what happened as a value: a response (status, the headers that
// matter, a bounded body) or a classified transport failure with a clean message.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <variant>

#include "certcentral_request.h"
#include "connection_watcher.h"
#include "dcv_resend_spec.h"
#include "session_pool.h"

namespace digicert_dcv {

// Past this, a body is not drained for keep-alive: the session is dropped instead.
inline constexpr std::size_t kMaxDrainBytes = 1024 * 1024;

struct HttpResponse {
    int status = 0;
    std::string body;  // at most the request's max_response_body bytes
    bool body_truncated = false;
    std::string content_type;
    std::optional<std::string> retry_after;  // raw header value, bounded
    std::string location;                    // for redirects, bounded
};

enum class TransportFailureKind { kTls, kTimeout, kReset, kRefused, kDns, kProtocol, kOther };

struct TransportFailure {
    TransportFailureKind kind = TransportFailureKind::kOther;
    std::string msg;                // sanitised, one line
    bool response_started = false;  // the status line had arrived before it failed
    // Every byte of the request (headers and body) had been written to the socket before it
    // failed: the server may have acted on it. Always true when response_started.
    bool request_sent = false;
};

struct AttemptResult {
    std::variant<HttpResponse, TransportFailure> result;
    bool reused_connection = false;
    // The caller cancelled while the attempt was under way, and the connection was closed
    // before a complete answer (`result` is then a failure saying how far it got).
    bool cancelled = false;

    bool failed() const { return std::holds_alternative<TransportFailure>(result); }
};

class CertCentralClient {
  public:
    // `cancelled` (may be empty) is asked every ConnectionWatcher::kPollInterval while an
    // attempt is under way; when it says so the attempt's connection is closed at once.
    CertCentralClient(SessionPool& pool, CancelProbe cancelled)
        : pool_(pool), cancelled_(std::move(cancelled)) {}

    // `timeout` bounds the whole attempt in wall time: connect, TLS handshake, request,
    // status line and headers, and body (a peer that drips bytes cannot stretch it; Poco's own
    // timeouts are per operation and fire late on TLS). Cut off by it, the attempt is a timeout. A
    // connection that breaks after the TLS handshake (reset, EOF without close_notify, a body
    // shorter than its Content-Length) is a network failure, whichever layer noticed it; only a
    // failure during the handshake is a TLS one. A cancellation closes the connection at once
    // (AttemptResult::cancelled).
    AttemptResult send(const CertCentralRequest& request, const ConnectionSettings& connection,
                       std::chrono::milliseconds timeout);

  private:
    SessionPool& pool_;
    const CancelProbe cancelled_;
};

}  // namespace digicert_dcv
