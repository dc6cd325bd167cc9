// One HTTP/1.1 exchange of the daemon's own front (http_front.h), as plain values: the request
// as read whole by the event loop, and the answer a route fills in. No socket in either, so a
// route never touches a connection (the loop owns every descriptor).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "daemon/peer_credentials.h"

namespace taskhost {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpAnswer {
    int status = 200;
    std::string content_type = "application/json";
    HttpHeaders headers;  // Retry-After, Location, Allow, WWW-Authenticate, ...
    std::string body;
    bool close = false;  // end the connection after this answer
    bool more =
        false;  // a piece of a streamed answer that more pieces follow (HttpRequest::stream)
};

struct HttpRequest {
    std::string method;
    std::string target;  // as sent: path and query
    bool http11 = true;
    HttpHeaders headers;
    std::string body;
    bool has_framing = false;     // Content-Length (even 0) or chunked: the caller sent a body
    bool carries_body = false;    // Content-Length > 0 or chunked
    bool body_too_large = false;  // longer than the front keeps: `body` is empty, not cut
    bool keep_alive = true;       // what the caller asked (HTTP/1.1 unless Connection: close)
    std::optional<PeerCredentials> peer;  // unix socket: the kernel's word (SO_PEERCRED)
    std::string peer_address;             // TCP: "127.0.0.1:port"
    // Set by the front for an HTTP/1.1 request: hands the loop one piece of an answer sent as it
    // is made (chunked). The first piece's status and headers are the answer's; the route then
    // returns the last piece. Unset: the route answers whole.
    std::function<void(HttpAnswer piece)> stream;

    // The first header named `name` (case-insensitive); nullptr when absent.
    const std::string* header(const std::string& name) const;
    // The target up to '?'.
    std::string path() const;
};

// The reason phrase of `status` ("Unprocessable Entity" for 422, which agents print).
const char* reason_phrase(int status);

// The bytes on the wire: status line, headers (Content-Length, Connection), body. For the first
// piece of a streamed answer (`more`): Transfer-Encoding: chunked, and the body as one chunk.
std::string answer_bytes(const HttpAnswer& answer, bool keep_alive);
// A later piece of a streamed answer as one chunk (none when empty), and the end when `last`.
std::string chunk_bytes(const std::string& body, bool last);

bool same_header_name(const std::string& a, const std::string& b);

}  // namespace taskhost
