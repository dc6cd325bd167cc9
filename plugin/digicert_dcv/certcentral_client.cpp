#include "certcentral_client.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Timespan.h>

#include <cerrno>
#include <istream>
#include <ostream>

#include "printable_text.h"

namespace digicert_dcv {
namespace {

using Clock = std::chrono::steady_clock;

std::string where(const CertCentralRequest& request) {
    return request.host + ":" + std::to_string(request.port);
}

TransportFailure failure(TransportFailureKind kind, std::string msg, bool response_started) {
    return TransportFailure{kind, printable_excerpt(msg, 300), response_started};
}

// Reads the body: the first `keep` bytes are kept, the rest (up to kMaxDrainBytes) is drained so
// the session can be reused. Returns false when the session must not be reused.
bool read_body(std::istream& in, HttpResponse& out, std::size_t keep, Clock::time_point deadline) {
    char buffer[8192];
    std::size_t total = 0;
    for (;;) {
        in.read(buffer, sizeof buffer);
        const std::size_t got = static_cast<std::size_t>(in.gcount());
        if (got == 0) {
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

HttpResponse exchange(SessionPool::Session& session, const CertCentralRequest& request,
                      std::chrono::milliseconds timeout, bool& response_started, bool& reusable) {
    const Clock::time_point deadline = Clock::now() + timeout;
    const Poco::Timespan span(static_cast<Poco::Timespan::TimeDiff>(timeout.count()) * 1000);
    session.setTimeout(span, span, span);  // takes effect at (re)connect
    if (session.connected()) {
        session.socket().setSendTimeout(span);
        session.socket().setReceiveTimeout(span);
    }

    Poco::Net::HTTPRequest http(request.method, request.target, Poco::Net::HTTPMessage::HTTP_1_1);
    for (const auto& [name, value] : request.headers(/*redact_key=*/false)) {
        if (name == "Content-Length") {
            http.setContentLength(static_cast<std::streamsize>(request.body.size()));
        } else {
            http.set(name, value);
        }
    }
    http.setKeepAlive(true);

    std::ostream& body_out = session.sendRequest(http);
    body_out.exceptions(std::ios::badbit);  // rethrow Poco's socket errors instead of hiding them
    if (request.has_body()) {
        body_out << request.body;
    }
    body_out.flush();

    Poco::Net::HTTPResponse http_response;
    std::istream& body_in = session.receiveResponse(http_response);
    response_started = true;
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
    reusable =
        read_body(body_in, out, std::min(request.max_response_body, kMaxDrainBytes), deadline) &&
        http_response.getKeepAlive();
    return out;
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
    AttemptResult attempt;
    bool started = false;
    using Kind = TransportFailureKind;
    try {
        SessionPool::Lease lease = pool_.checkout(endpoint);
        attempt.reused_connection = lease.reused();
        bool reusable = false;
        attempt.result = exchange(lease.session(), request, timeout, started, reusable);
        if (reusable) {
            lease.keep();
        }
    } catch (const Poco::Net::SSLException& e) {
        attempt.result = failure(Kind::kTls,
                                 "TLS with " + where(request) + " failed: " + e.displayText() +
                                     " (the certificate is not trusted or not for this host; a "
                                     "private CA goes in connection.ca_file)",
                                 started);
    } catch (const Poco::TimeoutException&) {
        attempt.result =
            failure(Kind::kTimeout,
                    std::string(started ? "response from " : "no response from ") + where(request) +
                        " within timeout_ms=" + std::to_string(timeout.count()),
                    started);
    } catch (const Poco::Net::ConnectionResetException&) {
        attempt.result =
            failure(Kind::kReset, "connection to " + where(request) + " was reset", started);
    } catch (const Poco::Net::ConnectionAbortedException&) {
        attempt.result =
            failure(Kind::kReset, "connection to " + where(request) + " was aborted", started);
    } catch (const Poco::Net::NoMessageException&) {
        attempt.result = failure(
            Kind::kReset, where(request) + " closed the connection without answering", started);
    } catch (const Poco::Net::ConnectionRefusedException&) {
        attempt.result =
            failure(Kind::kRefused,
                    "connection to " + where(request) +
                        " refused; check the account's region or base_url (and the proxy)",
                    started);
    } catch (const Poco::Net::DNSException& e) {
        attempt.result =
            failure(Kind::kDns, "cannot resolve " + request.host + ": " + e.displayText(), started);
    } catch (const Poco::Net::MessageException& e) {
        attempt.result = failure(
            Kind::kProtocol, where(request) + " sent a malformed HTTP response: " + e.displayText(),
            started);
    } catch (const Poco::IOException& e) {
        const bool reset = e.code() == EPIPE || e.code() == ECONNRESET;
        attempt.result =
            failure(reset ? Kind::kReset : Kind::kOther,
                    "I/O error talking to " + where(request) + ": " + e.displayText(), started);
    } catch (const Poco::Exception& e) {
        attempt.result = failure(
            Kind::kOther, "request to " + where(request) + " failed: " + e.displayText(), started);
    }
    return attempt;
}

}  // namespace digicert_dcv
