#include "daemon/http_connection.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace taskhost {
namespace {

// What a streamed answer may hold unwritten because its caller does not read.
constexpr size_t kMaxStreamBacklog = 64 * 1024 * 1024;

std::string ms_text(std::chrono::milliseconds ms) {
    return std::to_string(ms.count()) + " ms";
}

}  // namespace

HttpConnection::HttpConnection(uint64_t id, int fd, HttpFrontShared& shared,
                               HttpClock::time_point now)
    : id_(id),
      fd_(fd),
      shared_(shared),
      waiting_since_(now),
      deadline_(now + shared.settings.head_timeout) {}

HttpConnection::~HttpConnection() {
    ::close(fd_);
}

void HttpConnection::set_identity(std::optional<PeerCredentials> peer, std::string address) {
    peer_ = peer;
    address_ = std::move(address);
    request_.peer = peer_;
    request_.peer_address = address_;
}

HttpRequest HttpConnection::take_request() {
    HttpRequest taken = request_;
    taken.body.swap(request_.body);
    return taken;
}

HttpConnection::Wait HttpConnection::on_readable(HttpClock::time_point now) {
    char buffer[65536];
    // At most 256 KiB a turn, so every other connection gets its turn too.
    for (int turn = 0; turn < 4 && !eof_; ++turn) {
        const ssize_t got = ::recv(fd_, buffer, sizeof buffer, 0);
        if (got > 0) {
            if (state_ == State::kLingering) {
                lingered_ += static_cast<size_t>(got);
                if (lingered_ > shared_.settings.max_body_read) {
                    return Wait::kClose;
                }
                continue;
            }
            in_.append(buffer, static_cast<size_t>(got));
            if (state_ == State::kHead && in_.size() > kMaxHeadBytes) {
                break;  // enough to decide on
            }
            continue;
        }
        if (got == 0) {
            eof_ = true;
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            break;
        } else if (errno != EINTR) {
            return Wait::kClose;
        }
    }
    if (state_ == State::kLingering) {
        return eof_ ? Wait::kClose : Wait::kRead;
    }
    const Wait next = advance(now);
    // The caller left before its request was whole: nobody to answer.
    return eof_ && next == Wait::kRead ? Wait::kClose : next;
}

HttpConnection::Wait HttpConnection::on_writable(HttpClock::time_point now) {
    return flush(now);
}

HttpConnection::Wait HttpConnection::on_expired(HttpClock::time_point now) {
    const HttpFrontSettings& settings = shared_.settings;
    if (state_ == State::kHead && !idle_) {
        return refuse(
            408, "timeout",
            "the request head did not arrive whole within " + ms_text(settings.head_timeout),
            "send the whole request at once", now);
    }
    if (state_ == State::kBody) {
        return refuse(
            408, "timeout",
            "the request body did not arrive whole within " + ms_text(settings.body_timeout),
            "send the whole body at once", now);
    }
    // Idle (nothing of a request yet), an answer nobody reads, or the end of a lingering close.
    return Wait::kClose;
}

HttpConnection::Wait HttpConnection::on_answer(const HttpAnswer& answer,
                                               HttpClock::time_point now) {
    return state_ == State::kStreaming ? next_piece(answer, now) : respond(answer, now);
}

HttpConnection::Wait HttpConnection::advance(HttpClock::time_point now) {
    return state_ == State::kHead ? read_head(now) : read_body(now);
}

HttpConnection::Wait HttpConnection::read_head(HttpClock::time_point now) {
    if (in_.empty()) {
        return Wait::kRead;
    }
    if (idle_) {
        idle_ = false;
        if (served_ > 0) {
            deadline_ =
                now + shared_.settings.head_timeout;  // a fresh connection's runs from accept
        }
    }
    const size_t end = head_end(in_);
    if ((end == std::string::npos && in_.size() > kMaxHeadBytes) ||
        (end != std::string::npos && end > kMaxHeadBytes)) {
        return refuse(431, "too_large", "the request head is larger than 32 KiB",
                      "send a smaller request head", now);
    }
    if (end == std::string::npos) {
        return Wait::kRead;
    }
    HttpBodyFraming framing;
    const std::optional<HttpRefusal> bad = parse_head(in_.substr(0, end), request_, framing);
    in_.erase(0, end);
    if (bad) {
        return refuse(bad->status, "invalid_input", bad->msg, bad->fix, now);
    }
    // Before any body byte is read and before a worker is used (the TCP token).
    if (std::optional<HttpAnswer> refused = shared_.service.admit(request_)) {
        refused->close = true;
        return respond(*refused, now);
    }
    return start_body(framing, now);
}

HttpConnection::Wait HttpConnection::start_body(const HttpBodyFraming& framing,
                                                HttpClock::time_point now) {
    const HttpFrontSettings& settings = shared_.settings;
    if (!framing.chunked && framing.length == 0) {
        state_ = State::kWorking;
        return Wait::kWorker;
    }
    if (!framing.chunked && framing.length > settings.max_body_read) {
        // Too large to be worth reading: the route answers 413 and the connection ends.
        request_.body_too_large = true;
        request_.keep_alive = false;
        state_ = State::kWorking;
        return Wait::kWorker;
    }
    if (framing.expect_continue) {
        static const char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
        (void)::send(fd_, kContinue, sizeof kContinue - 1, MSG_NOSIGNAL);
    }
    body_.emplace(framing, settings.max_body_kept, settings.max_body_read);
    state_ = State::kBody;
    deadline_ = now + settings.body_timeout;
    return read_body(now);
}

HttpConnection::Wait HttpConnection::read_body(HttpClock::time_point now) {
    size_t at = 0;
    const HttpBodyReader::Step step = body_->feed(in_, at, request_.body);
    in_.erase(0, at);
    switch (step) {
        case HttpBodyReader::Step::kMore:
            return Wait::kRead;
        case HttpBodyReader::Step::kMalformed:
            return refuse(400, "invalid_input", "the request's chunked body is malformed",
                          "send a Content-Length, or well-formed chunks", now);
        case HttpBodyReader::Step::kTooLarge:
            request_.body_too_large = true;
            request_.keep_alive = false;  // the rest of it is never read
            break;
        case HttpBodyReader::Step::kDone:
            request_.body_too_large = body_->over_limit();
            break;
    }
    body_.reset();
    state_ = State::kWorking;
    return Wait::kWorker;
}

HttpConnection::Wait HttpConnection::refuse(int status, const std::string& kind,
                                            const std::string& msg, const std::string& fix,
                                            HttpClock::time_point now) {
    HttpAnswer answer = shared_.service.refusal(status, kind, msg, fix);
    answer.close = true;
    return respond(answer, now);
}

HttpConnection::Wait HttpConnection::respond(const HttpAnswer& answer, HttpClock::time_point now) {
    const bool keep_alive = !answer.close && request_.keep_alive && !shared_.draining.load() &&
                            !eof_ && served_ + 1 < shared_.settings.max_requests_per_connection;
    out_ = answer_bytes(answer, keep_alive);
    out_at_ = 0;
    close_after_ = !keep_alive;
    body_.reset();
    state_ = answer.more ? State::kStreaming : State::kWriting;
    deadline_ = now + shared_.settings.answer_timeout;
    return flush(now);
}

HttpConnection::Wait HttpConnection::next_piece(const HttpAnswer& piece,
                                                HttpClock::time_point now) {
    out_.erase(0, out_at_);
    out_at_ = 0;
    out_ += chunk_bytes(piece.body, !piece.more);
    if (out_.size() > kMaxStreamBacklog) {
        return Wait::kClose;  // the caller stopped reading; the run goes on without it
    }
    if (!piece.more) {
        state_ = State::kWriting;
    }
    deadline_ = now + shared_.settings.answer_timeout;
    return flush(now);
}

HttpConnection::Wait HttpConnection::flush(HttpClock::time_point now) {
    while (out_at_ < out_.size()) {
        const ssize_t sent =
            ::send(fd_, out_.data() + out_at_, out_.size() - out_at_, MSG_NOSIGNAL);
        if (sent > 0) {
            out_at_ += static_cast<size_t>(sent);
        } else if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return Wait::kWrite;
        } else if (sent == 0 || errno != EINTR) {
            return Wait::kClose;
        }
    }
    std::string().swap(out_);
    out_at_ = 0;
    if (state_ == State::kStreaming) {
        return Wait::kPiece;
    }
    if (!close_after_) {
        return next_request(now);
    }
    // Read (and drop) what the caller still sends for a moment, so closing does not reset
    // the connection before the caller has read the answer.
    ::shutdown(fd_, SHUT_WR);
    state_ = State::kLingering;
    deadline_ = now + shared_.settings.linger_timeout;
    std::string().swap(in_);
    return eof_ ? Wait::kClose : Wait::kRead;
}

HttpConnection::Wait HttpConnection::next_request(HttpClock::time_point now) {
    ++served_;
    request_ = HttpRequest{};
    request_.peer = peer_;
    request_.peer_address = address_;
    state_ = State::kHead;
    idle_ = true;
    waiting_since_ = now;
    deadline_ = now + shared_.settings.keep_alive_timeout;
    const Wait next = advance(now);
    return eof_ && next == Wait::kRead ? Wait::kClose : next;
}

}  // namespace taskhost
