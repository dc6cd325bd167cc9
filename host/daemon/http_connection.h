// One client connection of a front (http_front.h), owned by the event loop: it reads the
// request head and body into bounded buffers under wall-clock deadlines (a byte-a-second drip
// does not extend them), refuses on the loop what needs no worker, and writes the answer a
// worker made. The loop asks each step what the connection waits for next.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "daemon/http_body_reader.h"
#include "daemon/http_message.h"
#include "daemon/http_service.h"

namespace taskhost {

using HttpClock = std::chrono::steady_clock;

struct HttpFrontSettings {
    std::string name;         // for the log: "unix socket", "127.0.0.1:8787"
    bool unix_socket = true;  // SO_PEERCRED for every connection; else the peer's address
    size_t max_connections = 1024;
    std::chrono::milliseconds head_timeout{10000};       // the whole head, from accept
    std::chrono::milliseconds body_timeout{10000};       // the whole body, from the head's end
    std::chrono::milliseconds keep_alive_timeout{5000};  // idle between requests
    std::chrono::milliseconds answer_timeout{30000};     // writing one answer
    std::chrono::milliseconds linger_timeout{2000};      // reading what follows a closing answer
    size_t max_body_kept = 1024 * 1024;                  // longer: body_too_large
    size_t max_body_read = 8 * 1024 * 1024;              // longer: not even read
    int max_requests_per_connection = 1000;
    int lane_threads[kHttpLaneCount] = {2, 4, 72};
};

// What the front and its connections share.
struct HttpFrontShared {
    HttpFrontSettings settings;
    HttpService& service;
    std::atomic<bool> draining{false};  // answers close their connection
};

class HttpConnection {
  public:
    // kPiece: a streamed answer is written as far as it goes; its next piece comes from the
    // worker still answering (nothing to watch meanwhile).
    enum class Wait { kRead, kWrite, kWorker, kPiece, kClose };
    // kStreaming: a worker is still answering and its pieces are written as they come.
    enum class State { kHead, kBody, kWorking, kStreaming, kWriting, kLingering };

    HttpConnection(uint64_t id, int fd, HttpFrontShared& shared, HttpClock::time_point now);
    ~HttpConnection();  // closes the descriptor
    HttpConnection(const HttpConnection&) = delete;
    HttpConnection& operator=(const HttpConnection&) = delete;

    Wait on_readable(HttpClock::time_point now);
    Wait on_writable(HttpClock::time_point now);
    // Past its deadline: the silent close of an idle connection, or a 408.
    Wait on_expired(HttpClock::time_point now);
    // A worker's answer to the request handed out with Wait::kWorker, or a piece of it.
    Wait on_answer(const HttpAnswer& answer, HttpClock::time_point now);
    // The request to hand a worker after Wait::kWorker (its body moved out).
    HttpRequest take_request();

    uint64_t id() const { return id_; }
    int fd() const { return fd_; }
    State state() const { return state_; }
    bool idle() const { return idle_; }
    int served() const { return served_; }
    HttpClock::time_point deadline() const { return deadline_; }
    HttpClock::time_point waiting_since() const { return waiting_since_; }
    // Who is calling, for every request on this connection: set once, at accept.
    void set_identity(std::optional<PeerCredentials> peer, std::string address);

  private:
    Wait advance(HttpClock::time_point now);
    Wait read_head(HttpClock::time_point now);
    Wait start_body(const HttpBodyFraming& framing, HttpClock::time_point now);
    Wait read_body(HttpClock::time_point now);
    Wait respond(const HttpAnswer& answer, HttpClock::time_point now);
    Wait next_piece(const HttpAnswer& piece, HttpClock::time_point now);
    Wait refuse(int status, const std::string& kind, const std::string& msg, const std::string& fix,
                HttpClock::time_point now);
    Wait flush(HttpClock::time_point now);
    Wait next_request(HttpClock::time_point now);

    const uint64_t id_;
    const int fd_;
    HttpFrontShared& shared_;
    State state_ = State::kHead;
    bool idle_ = true;  // no byte of the next request yet
    bool eof_ = false;
    int served_ = 0;
    HttpClock::time_point waiting_since_;
    HttpClock::time_point deadline_;
    std::string in_;
    HttpRequest request_;
    std::optional<PeerCredentials> peer_;
    std::string address_;
    std::optional<HttpBodyReader> body_;
    std::string out_;
    size_t out_at_ = 0;
    bool close_after_ = false;
    size_t lingered_ = 0;
};

}  // namespace taskhost
