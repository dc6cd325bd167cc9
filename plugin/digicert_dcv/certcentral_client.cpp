#include "certcentral_client.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Timespan.h>

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <istream>
#include <optional>
#include <ostream>

#include "connection_watcher.h"
#include "printable_text.h"
#include "secret_wire_request.h"

namespace digicert_dcv {
namespace {

using Clock = std::chrono::steady_clock;

// How far an attempt got: what a failure means depends on it.
struct Progress {
    bool connected = false;         // TCP connected and the TLS handshake done
    bool request_sent = false;      // every byte of the request written to the socket
    bool response_started = false;  // the status line and headers arrived
};

// What watches one attempt's connection: the caller's cancellation, and why it was cut.
struct AttemptWatch {
    const CancelProbe& cancelled;
    WatchVerdict verdict;
};

// The answer ended (EOF) before the body its Content-Length announced.
struct BodyCutShort {
    std::size_t received = 0;
    std::size_t announced = 0;
};

std::string where(const CertCentralRequest& request) {
    return request.host + ":" + std::to_string(request.port);
}

TransportFailure failure(TransportFailureKind kind, std::string msg, const Progress& progress) {
    return TransportFailure{kind, printable_excerpt(msg, 300), progress.response_started,
                            progress.request_sent || progress.response_started};
}

// Reads the body: the first `keep` bytes are kept, the rest (up to kMaxDrainBytes) is drained so
// the session can be reused. Returns false when the session must not be reused. Throws
// BodyCutShort when the body ends before `announced` bytes (the Content-Length), which Poco's
// fixed-length stream reports as a plain end of stream.
bool read_body(std::istream& in, HttpResponse& out, std::size_t keep, Clock::time_point deadline,
               std::optional<std::size_t> announced) {
    char buffer[8192];
    std::size_t total = 0;
    for (;;) {
        in.read(buffer, sizeof buffer);
        const std::size_t got = static_cast<std::size_t>(in.gcount());
        if (got == 0) {
            if (announced && total < *announced) {
                throw BodyCutShort{total, *announced};
            }
            return true;
        }
        total += got;
        if (out.body.size() < keep) {
            out.body.append(buffer, std::min(got, keep - out.body.size()));
        }
        out.body_truncated = total > keep;
        if (total > kMaxDrainBytes) {
            return false;
        }
        if (Clock::now() > deadline) {
            throw Poco::TimeoutException("the response body did not arrive within timeout_ms");
        }
    }
}

Poco::Timespan span_of(Clock::duration duration) {
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(duration).count();
    return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(std::max<long long>(micros, 1000)));
}

// Bounds an attempt's reads and writes by its wall-clock deadline and its caller's cancellation.
// Poco's socket timeouts are per operation: a server that sends one byte a second resets them
// forever, and on TLS a silent peer costs SO_RCVTIMEO and then a poll of the same length. At
// the deadline, or when the caller cancels, the shared watcher shuts the connection down; the
// attempt is then a timeout, or cancelled. It holds a dup of the
// socket, so the shutdown never hits a descriptor reused by another connection.
class WallDeadline {
  public:
    WallDeadline(Poco::Net::StreamSocket& socket, Clock::time_point deadline, AttemptWatch& watch)
        : watched_fd_(socket.impl()->sockfd()), fd_(::dup(watched_fd_)) {
        if (fd_ >= 0) {
            id_ = ConnectionWatcher::shared().add(fd_, deadline, &watch.cancelled, &watch.verdict);
        }
    }
    WallDeadline(const WallDeadline&) = delete;
    WallDeadline& operator=(const WallDeadline&) = delete;
    ~WallDeadline() {
        if (fd_ >= 0) {
            ConnectionWatcher::shared().remove(id_);  // after this the watcher holds neither
            ::close(fd_);
        }
    }

    // Whether this watches `socket`'s connection: the same descriptor number as when it was
    // made. The session connects before this is made (a stale one is closed and connected
    // anew first), so sendRequest opens no other connection; through a proxy it connects in
    // sendRequest, and the number then differs from -1. The request is written straight to
    // the socket (send_request), so no failed write makes Poco reconnect behind this watcher.
    bool watches(Poco::Net::StreamSocket& socket) const {
        return fd_ >= 0 && socket.impl()->sockfd() == watched_fd_;
    }

  private:
    const int watched_fd_;
    const int fd_;
    uint64_t id_ = 0;
};

// Sets every Poco timeout of `session` from what is left until `deadline`. A connect and TLS
// handshake get half of it each way: Poco's handshake waits SO_RCVTIMEO and then polls as long
// again, so a peer that accepts and never handshakes costs twice the receive timeout.
void bound_by(SessionPool::Session& session, Clock::time_point deadline) {
    const Clock::duration left = deadline - Clock::now();
    if (left <= Clock::duration::zero()) {
        throw Poco::TimeoutException("the attempt's time ran out before it started");
    }
    const Poco::Timespan whole = span_of(left);
    const Poco::Timespan half = span_of(left / 2);
    session.setTimeout(half, half, half);  // takes effect at (re)connect
    if (session.connected()) {
        session.socket().setSendTimeout(whole);
        session.socket().setReceiveTimeout(whole);
    }
}

// Connects `session` directly: the TCP connect bounded by its connection timeout, then the TLS
// handshake bounded in wall time by `deadline` (Poco's own handshake waits per read, each wait
// about as long as the connect timeout again and again).
void connect_bounded(SessionPool::Session& session, Clock::time_point deadline, AttemptWatch& watch,
                     Progress& progress) {
    Poco::Net::SecureStreamSocket secure(session.socket());
    secure.setLazyHandshake(true);  // the connect below stops after TCP
    session.connect_now();
    const WallDeadline wall(session.socket(), deadline, watch);
    if (secure.completeHandshake() != 1) {
        throw Poco::Net::SSLConnectionUnexpectedlyClosedException();
    }
    secure.verifyPeerCertificate();
    progress.connected = true;
}

// Sends the request; `progress` says how far it got when this throws. sendRequest connects
// (and handshakes) if need be, completes the head (Host; Proxy-Connection through a proxy) and
// readies the session for receiveResponse, but writes nothing: the head with the key and the
// body go to the socket from a buffer that is wiped when this returns (secret_wire_request.h),
// never through Poco's shared, never wiped header buffers.
void send_request(SessionPool::Session& session, const CertCentralRequest& request,
                  Progress& progress) {
    HeadWrittenByCaller head(request.method, request.target, Poco::Net::HTTPMessage::HTTP_1_1);
    prepare_head(request, head);

    progress.connected = session.connected();  // a reused session: handshake done
    std::ostream& unused = session.sendRequest(head);
    progress.connected = true;
    if (!unused) {
        throw Poco::IOException("the request could not be started");
    }
    const SecretString wire = render_wire_request(head, request);
    send_all(session.socket(), wire.view());
    progress.request_sent = true;
}

// One exchange on `session`, all of it (connect, handshake, request, headers, body) within
// `deadline`; `watch` says whether the deadline or a cancellation cut it off.
HttpResponse exchange(SessionPool::Session& session, const CertCentralRequest& request,
                      Clock::time_point deadline, Progress& progress, bool& reusable,
                      AttemptWatch& watch) {
    bound_by(session, deadline);
    session.close_if_stale();  // what sendRequest would do; the connect below is then ours
    std::optional<WallDeadline> wall;
    if (!session.connected() && session.getProxyHost().empty()) {
        connect_bounded(session, deadline, watch, progress);
    }
    if (session.connected()) {
        wall.emplace(session.socket(), deadline, watch);
    }
    send_request(session, request, progress);  // may connect through a proxy: bounded above
    if (!wall || !wall->watches(session.socket())) {
        wall.reset();
        bound_by(session, deadline);
        wall.emplace(session.socket(), deadline, watch);
    }

    Poco::Net::HTTPResponse http_response;
    std::istream& body_in = session.receiveResponse(http_response);
    progress.response_started = true;
    body_in.exceptions(std::ios::badbit);

    HttpResponse out;
    out.status = static_cast<int>(http_response.getStatus());
    out.content_type = printable_excerpt(http_response.getContentType(), 128);
    if (http_response.has("Retry-After")) {
        out.retry_after = printable_excerpt(http_response.get("Retry-After"), 64);
    }
    if (http_response.has("Location")) {
        out.location = printable_excerpt(http_response.get("Location"), 256);
    }
    std::optional<std::size_t> announced;  // none for answers that never carry a body
    const bool bodyless = request.method == "HEAD" || out.status == 204 || out.status == 304;
    if (!bodyless && http_response.hasContentLength() && http_response.getContentLength64() >= 0) {
        announced = static_cast<std::size_t>(http_response.getContentLength64());
    }
    reusable = read_body(body_in, out, std::min(request.max_response_body, kMaxDrainBytes),
                         deadline, announced) &&
               http_response.getKeepAlive();
    return out;  // complete even if the deadline fired just now (then `wall` made it unusable)
}

// " after the request was sent, before any answer", or "" before it was: where in the exchange
// a connection broke.
std::string stage_of(const Progress& progress) {
    if (progress.response_started) {
        return " in the middle of its answer";
    }
    return progress.request_sent ? " after the request was sent, before any answer" : "";
}

// The failure that the exception being handled means, given how far the attempt got. Call only
// from a catch block.
TransportFailure classify_current(const CertCentralRequest& request, const Progress& progress,
                                  std::chrono::milliseconds timeout, const WatchVerdict& verdict) {
    using Kind = TransportFailureKind;
    const std::string at = where(request);
    const std::string stage = stage_of(progress);
    if (verdict.cancelled) {  // whatever the cut-off connection then reported
        return failure(Kind::kOther,
                       "the caller cancelled; the connection to " + at + " was closed" + stage,
                       progress);
    }
    try {
        if (verdict.deadline_passed) {  // whatever the cut-off connection then reported
            throw Poco::TimeoutException();
        }
        throw;
    } catch (const BodyCutShort& cut) {
        return failure(Kind::kReset,
                       at + " closed the connection after " + std::to_string(cut.received) +
                           " of the " + std::to_string(cut.announced) +
                           " body bytes it announced (a truncated answer)",
                       progress);
    } catch (const Poco::Net::SSLException& e) {
        if (progress.connected) {
            // The handshake was done: a reset or an EOF without close_notify seen by OpenSSL.
            return failure(Kind::kReset,
                           "connection to " + at + " broke" + stage + ": " + e.displayText(),
                           progress);
        }
        return failure(Kind::kTls,
                       "TLS with " + at + " failed: " + e.displayText() +
                           " (the certificate is not trusted or not for this host; a private CA "
                           "goes in connection.ca_file)",
                       progress);
    } catch (const Poco::TimeoutException&) {
        return failure(
            Kind::kTimeout,
            std::string(progress.response_started ? "response from " : "no response from ") + at +
                " within timeout_ms=" + std::to_string(timeout.count()) +
                (progress.request_sent && !progress.response_started ? " after the request was sent"
                                                                     : ""),
            progress);
    } catch (const Poco::Net::ConnectionResetException&) {
        return failure(Kind::kReset, "connection to " + at + " was reset" + stage, progress);
    } catch (const Poco::Net::ConnectionAbortedException&) {
        return failure(Kind::kReset, "connection to " + at + " was aborted" + stage, progress);
    } catch (const Poco::Net::NoMessageException&) {
        return failure(Kind::kReset, at + " closed the connection without answering" + stage,
                       progress);
    } catch (const Poco::Net::ConnectionRefusedException&) {
        return failure(Kind::kRefused,
                       "connection to " + at +
                           " refused; check the account's region or base_url (and the proxy)",
                       progress);
    } catch (const Poco::Net::DNSException& e) {
        return failure(Kind::kDns, "cannot resolve " + request.host + ": " + e.displayText(),
                       progress);
    } catch (const Poco::Net::MessageException& e) {
        return failure(Kind::kProtocol, at + " sent a malformed HTTP response: " + e.displayText(),
                       progress);
    } catch (const Poco::IOException& e) {
        const bool reset = e.code() == EPIPE || e.code() == ECONNRESET;
        return failure(reset ? Kind::kReset : Kind::kOther,
                       "I/O error talking to " + at + stage + ": " + e.displayText(), progress);
    } catch (const Poco::Exception& e) {
        return failure(Kind::kOther,
                       "request to " + at + " failed" + stage + ": " + e.displayText(), progress);
    }
}

}  // namespace

AttemptResult CertCentralClient::send(const CertCentralRequest& request,
                                      const ConnectionSettings& connection,
                                      std::chrono::milliseconds timeout) {
    Endpoint endpoint{request.host, request.port, connection.ca_file, "", 0};
    if (connection.proxy) {
        endpoint.proxy_host = connection.proxy->host;
        endpoint.proxy_port = connection.proxy->port;
    }
    const Clock::time_point deadline = Clock::now() + timeout;
    AttemptResult attempt;
    Progress progress;
    AttemptWatch watch{cancelled_, {}};
    try {
        SessionPool::Lease lease = pool_.checkout(endpoint);
        attempt.reused_connection = lease.reused();
        bool reusable = false;
        attempt.result = exchange(lease.session(), request, deadline, progress, reusable, watch);
        if (reusable && !watch.verdict.deadline_passed && !watch.verdict.cancelled) {
            lease.keep();
        }
    } catch (const BodyCutShort&) {
        attempt.result = classify_current(request, progress, timeout, watch.verdict);
    } catch (const Poco::Exception&) {
        attempt.result = classify_current(request, progress, timeout, watch.verdict);
    }
    // A complete answer stands even when the caller cancelled as it arrived.
    attempt.cancelled = watch.verdict.cancelled && attempt.failed();
    return attempt;
}

}  // namespace digicert_dcv
