#include "sandbox_request_handler.h"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/StreamSocket.h>

#include <exception>
#include <istream>
#include <ostream>

namespace sandbox {
namespace {

using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

constexpr size_t kMaxBodyBytes = 64 * 1024;
// How much of an oversized body is read and discarded so the client gets its 413 instead of a
// reset caused by unread data; past this the connection is simply closed.
constexpr size_t kMaxDrainBytes = 1024 * 1024;

// Reads the body, at most kMaxBodyBytes of it into `body`. true: it fitted.
bool read_body(HTTPServerRequest& request, std::string& body) {
    // RFC 9112: a request without Content-Length or chunked coding has no body. Poco would
    // otherwise read a PUT until the peer closes, hanging a keep-alive client.
    if (!request.getChunkedTransferEncoding() && !request.hasContentLength()) {
        return true;
    }
    std::istream& in = request.stream();
    char buffer[8192];
    size_t total = 0;
    while (in && total <= kMaxBodyBytes + kMaxDrainBytes) {
        in.read(buffer, sizeof buffer);
        const auto got = static_cast<size_t>(in.gcount());
        if (got == 0) {
            break;
        }
        if (body.size() < kMaxBodyBytes) {
            body.append(buffer, std::min(got, kMaxBodyBytes - body.size()));
        }
        total += got;
    }
    return total <= kMaxBodyBytes;
}

std::string path_of(const std::string& target) {
    return target.substr(0, target.find('?'));
}

// The connection's descriptor: the request lives on the session's socket, and only the
// server-side request implementation exposes it.
int socket_fd(HTTPServerRequest& request) {
    auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&request);
    return impl ? impl->socket().impl()->sockfd() : -1;
}

// What a status fault (or a cut answer) says: its raw body, or DigiCert's error JSON.
SandboxResponse fault_answer(const FaultRule& fault) {
    SandboxResponse answer = fault.body.empty() ? default_error_response(fault.status)
                                                : json_response(fault.status, fault.body);
    if (!fault.body.empty()) {
        answer.content_type = fault.content_type;
    }
    for (const auto& header : fault.headers) {
        answer.headers.push_back(header);
    }
    return answer;
}

}  // namespace

void send_response(const SandboxResponse& answer, HTTPServerResponse& response) {
    response.setStatusAndReason(static_cast<HTTPServerResponse::HTTPStatus>(answer.status));
    if (!answer.body.empty() || answer.status != 204) {
        response.setContentType(answer.content_type);
    }
    for (const auto& [name, value] : answer.headers) {
        response.set(name, value);
    }
    // sendBuffer sets Content-Length: without it Poco drops keep-alive and closes.
    response.sendBuffer(answer.body.data(), answer.body.size());
}

void SandboxRequestHandler::handleRequest(HTTPServerRequest& request,
                                          HTTPServerResponse& response) {
    try {
        serve(request, response);
    } catch (const std::exception& error) {
        // A peer that vanished mid-answer, or a sandbox bug: say which (the code is ours, not
        // CertCentral's), rather than let Poco send its own bare 500.
        response.setKeepAlive(false);
        if (!response.sent()) {
            try {
                send_response(error_response(500, "sandbox_internal_error", error.what()),
                              response);
            } catch (const std::exception&) {
                // the peer is gone; the connection closes either way
            }
        }
    }
}

bool SandboxRequestHandler::apply_fault(const FaultRule& fault, HTTPServerRequest& request,
                                        HTTPServerResponse& response) {
    switch (fault.action) {
        case FaultRule::Action::kStatus:
            send_response(fault_answer(fault), response);
            return true;
        case FaultRule::Action::kReset:
            core_.connections.reset(socket_fd(request));
            response.setKeepAlive(false);
            return true;
        case FaultRule::Action::kClose:
            core_.connections.close_without_tls(socket_fd(request));
            response.setKeepAlive(false);
            return true;
        case FaultRule::Action::kStall:
            core_.pause(fault.delay);
            response.setKeepAlive(false);  // Poco closes without a byte of answer
            return true;
        case FaultRule::Action::kLatency:
            if (!core_.pause(fault.delay)) {
                response.setKeepAlive(false);
                return true;
            }
            return false;
        case FaultRule::Action::kResetAfterHeaders:
        case FaultRule::Action::kCloseAfterHeaders:
        case FaultRule::Action::kTruncatedBody:
            send_cut_answer(fault, request, response);
            return true;
        case FaultRule::Action::kDripHeaders:
        case FaultRule::Action::kDripBody:
            send_drip(fault, request, response);
            return true;
    }
    return false;
}

void SandboxRequestHandler::send_cut_answer(const FaultRule& fault, HTTPServerRequest& request,
                                            HTTPServerResponse& response) {
    const SandboxResponse answer = fault_answer(fault);
    response.setStatusAndReason(static_cast<HTTPServerResponse::HTTPStatus>(answer.status));
    response.setContentType(answer.content_type);
    for (const auto& [name, value] : answer.headers) {
        response.set(name, value);
    }
    response.setKeepAlive(false);
    // The whole body's length is announced; only part of it (or none) follows.
    response.setContentLength(static_cast<std::streamsize>(answer.body.size()));
    std::ostream& out = response.send();
    if (fault.action == FaultRule::Action::kTruncatedBody) {
        out.write(answer.body.data(), static_cast<std::streamsize>(answer.body.size() / 2));
    }
    out.flush();
    if (fault.action == FaultRule::Action::kResetAfterHeaders) {
        core_.pause(fault.delay);  // lets the status line reach the client before the RST
        core_.connections.reset(socket_fd(request));
    } else if (fault.action == FaultRule::Action::kCloseAfterHeaders) {
        core_.pause(fault.delay);
        core_.connections.close_without_tls(socket_fd(request));
    }
    // kTruncatedBody: the connection closes in order (TLS close_notify) when this returns.
}

void SandboxRequestHandler::send_drip(const FaultRule& fault, HTTPServerRequest& request,
                                      HTTPServerResponse& response) {
    response.setKeepAlive(false);  // Poco closes when this returns; nothing else is sent
    auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&request);
    if (impl == nullptr) {
        return;
    }
    const SandboxResponse answer = fault_answer(fault);
    std::string head = "HTTP/1.1 " + std::to_string(answer.status) +
                       " Fault\r\nContent-Type: " + answer.content_type + "\r\n";
    for (const auto& [name, value] : answer.headers) {
        head += name + ": " + value + "\r\n";
    }
    head +=
        "Content-Length: " + std::to_string(answer.body.size()) + "\r\nConnection: close\r\n\r\n";
    const std::string& dripped =
        fault.action == FaultRule::Action::kDripHeaders ? head : answer.body;
    Poco::Net::StreamSocket& socket = impl->socket();
    try {
        if (fault.action == FaultRule::Action::kDripBody) {
            socket.sendBytes(head.data(), static_cast<int>(head.size()));
        }
        for (const char byte : dripped) {
            socket.sendBytes(&byte, 1);
            if (!core_.pause(fault.delay)) {
                return;
            }
        }
        if (fault.action == FaultRule::Action::kDripHeaders && !answer.body.empty()) {
            socket.sendBytes(answer.body.data(), static_cast<int>(answer.body.size()));
        }
    } catch (const Poco::Exception&) {
        // the peer gave up (its timeout): the drip ends
    }
}

void SandboxRequestHandler::serve(HTTPServerRequest& request, HTTPServerResponse& response) {
    RecordedRequest recorded;
    recorded.method = request.getMethod();
    recorded.target = request.getURI();
    recorded.http_version = request.getVersion();
    for (const auto& [name, value] : request) {
        recorded.headers.emplace_back(name, value);
    }
    const bool body_fits = read_body(request, recorded.body);
    core_.log.record_request(recorded);

    if (auto fault = core_.faults.next(recorded.method, path_of(recorded.target))) {
        if (apply_fault(*fault, request, response)) {
            return;
        }
    }
    if (!body_fits) {
        response.setKeepAlive(false);  // the rest of the body may still be in flight
        send_response(error_response(413, "request_too_large",
                                     "The request body is larger than " +
                                         std::to_string(kMaxBodyBytes) + " bytes."),
                      response);
        return;
    }
    if (!core_.limiter.admit(recorded.header("X-DC-DEVKEY"), RateLimiter::Clock::now())) {
        core_.log.count_rate_limited();
        SandboxResponse answer = rate_limited_response();
        if (core_.retry_after_seconds) {
            answer.headers.emplace_back("Retry-After", std::to_string(*core_.retry_after_seconds));
        }
        send_response(answer, response);
        return;
    }

    std::optional<AcceptedResend> accepted;
    const SandboxResponse answer = core_.routes.handle(recorded, accepted);
    if (accepted) {
        // Recorded before the 204 leaves, so a client that has its answer sees the record.
        core_.log.record_resend(*accepted);
        if (core_.on_resend) {
            core_.on_resend(*accepted);
        }
    }
    send_response(answer, response);
}

}  // namespace sandbox
