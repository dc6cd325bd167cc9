// A client of the daemon's API over its unix socket: one HTTP/1.1 request per connection
// (Poco's HTTPClientSession on a StreamSocket connected to the socket's address). Used by
// `taskhost run --socket`, `plugins --socket`, `reload`, and by the tests.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

#include "util/host_error.h"

namespace taskhost {

struct DaemonAnswer {
    int http_status = 0;
    std::string body;
    std::string retry_after;  // the Retry-After header, if any
};

constexpr size_t kMaxDaemonAnswerBytes = 8 * 1024 * 1024;
// A posted plan or apply answers with every result of its manifest: up to 10,000 tasks a file
// (kMaxManifestTasks), each of them about 1.2 KB for a DCV resend (12 MB; 8 MiB cut off an apply
// of 7,000 tasks after the daemon had sent them all). This still bounds what a wrong listener
// can make the client hold.
constexpr size_t kMaxManifestAnswerBytes = 256 * 1024 * 1024;

// How long a client waits for the daemon's answer. A task may run as long as its plugin allows,
// so a task's request waits a day; a question about the daemon itself (status) waits less: a
// socket-activated service that cannot start leaves its socket accepting and never answering.
inline constexpr std::chrono::seconds kTaskAnswerTimeout{24 * 3600};
// An admin command's default (its --timeout, in seconds): a question about the daemon answers at
// once unless the daemon is stuck; a reload probes each changed plugin (each within
// daemon.plugin_probe_timeout_ms) before it answers.
inline constexpr size_t kAdminAnswerSeconds = 30;
inline constexpr size_t kReloadAnswerSeconds = 300;
inline constexpr size_t kMaxAnswerSeconds = 24 * 3600;

class DaemonClient {
  public:
    explicit DaemonClient(std::string socket_path,
                          std::chrono::seconds answer_timeout = kTaskAnswerTimeout)
        : socket_path_(std::move(socket_path)), answer_timeout_(answer_timeout) {}

    // `body` empty: no body. Connection problems are a HostError naming the socket and the fix;
    // an answer longer than `max_answer_bytes` is refused.
    Result<DaemonAnswer> request(const std::string& method, const std::string& path,
                                 const std::string& body = "",
                                 size_t max_answer_bytes = kMaxDaemonAnswerBytes) const;

    // As request(), for an answer sent in lines as they are made (200, application/x-ndjson):
    // `on_line` gets each line, without its newline, as soon as it is whole (at most
    // `max_line_bytes`), and an error it returns ends the exchange; the answer returned then has
    // no body. Any other answer (an error, or a daemon that answers whole) comes back whole, at
    // most `max_answer_bytes`.
    using LineSink = std::function<Check(const std::string& line)>;
    Result<DaemonAnswer> request_lines(const std::string& method, const std::string& path,
                                       const std::string& body, size_t max_line_bytes,
                                       size_t max_answer_bytes, const LineSink& on_line) const;

    const std::string& socket_path() const { return socket_path_; }

  private:
    std::string socket_path_;
    std::chrono::seconds answer_timeout_;
};

}  // namespace taskhost
