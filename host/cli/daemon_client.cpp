#include "cli/daemon_client.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <functional>
#include <istream>
#include <ostream>
#include <string>

namespace taskhost {

namespace {

using AnswerReader =
    std::function<Result<DaemonAnswer>(const Poco::Net::HTTPResponse&, std::istream&)>;

// One request on a fresh connection to the daemon's socket; `read` takes the answer's body.
Result<DaemonAnswer> exchange(const std::string& socket_path, std::chrono::seconds answer_timeout,
                              const std::string& method, const std::string& path,
                              const std::string& body, const AnswerReader& read) {
    const std::string where = "socket " + socket_path;
    Poco::Net::StreamSocket socket;
    try {
        socket.connect(Poco::Net::SocketAddress(Poco::Net::SocketAddress::UNIX_LOCAL, socket_path));
    } catch (const Poco::Exception& e) {
        return HostError{where, "cannot connect: " + e.displayText(),
                         "start the daemon (taskhost serve), check --socket or the config's "
                         "daemon.socket, and that you are in the socket's group"};
    }
    try {
        // On a socket it is given (not one it connects) HTTPClientSession never applies its own
        // timeouts: they go on the socket.
        const Poco::Timespan timeout(answer_timeout.count(), 0);
        socket.setReceiveTimeout(timeout);
        socket.setSendTimeout(timeout);
        Poco::Net::HTTPClientSession session(socket);
        session.setTimeout(timeout);
        Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
        request.setHost("localhost");
        request.setKeepAlive(false);
        if (!body.empty() || method == "POST") {
            request.setContentType("application/json");
            request.setContentLength(static_cast<std::streamsize>(body.size()));
        }
        std::ostream& out = session.sendRequest(request);
        out << body;
        Poco::Net::HTTPResponse response;
        std::istream& in = session.receiveResponse(response);
        return read(response, in);
    } catch (const Poco::TimeoutException&) {
        return HostError{where,
                         "gave no answer within " + std::to_string(answer_timeout.count()) + " s",
                         "check that taskhost serve runs and is not stuck (systemctl status "
                         "taskhost, its log): a socket-activated service that cannot start "
                         "leaves its socket accepting without answering"};
    } catch (const Poco::Exception& e) {
        return HostError{where, "the request failed: " + e.displayText(),
                         "check that taskhost serve is running there (see its log)"};
    }
}

DaemonAnswer answer_head(const Poco::Net::HTTPResponse& response) {
    DaemonAnswer answer;
    answer.http_status = static_cast<int>(response.getStatus());
    answer.retry_after = response.get("Retry-After", "");
    return answer;
}

Result<DaemonAnswer> read_whole(const std::string& where, const Poco::Net::HTTPResponse& response,
                                std::istream& in, size_t max_answer_bytes) {
    DaemonAnswer answer = answer_head(response);
    char buffer[16384];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        answer.body.append(buffer, static_cast<size_t>(in.gcount()));
        if (answer.body.size() > max_answer_bytes) {
            return HostError{
                where,
                "answered more than " + std::to_string(max_answer_bytes / (1024 * 1024)) + " MiB",
                "check what listens there"};
        }
    }
    return answer;
}

// Each line of the body as soon as it is whole (what has arrived is taken without waiting for
// more, so a paced run's lines show as their tasks end).
Result<DaemonAnswer> read_lines(const std::string& where, const Poco::Net::HTTPResponse& response,
                                std::istream& in, size_t max_line_bytes,
                                const DaemonClient::LineSink& on_line) {
    std::string line;
    char buffer[65536];
    while (in.peek() != std::char_traits<char>::eof()) {
        const std::streamsize got = in.readsome(buffer, sizeof buffer);
        for (std::streamsize i = 0; i < got; ++i) {
            if (buffer[i] != '\n') {
                line += buffer[i];
                if (line.size() > max_line_bytes) {
                    return HostError{where,
                                     "answered a line longer than " +
                                         std::to_string(max_line_bytes / (1024 * 1024)) + " MiB",
                                     "check what listens there"};
                }
                continue;
            }
            if (Check bad = on_line(line)) {
                return *bad;
            }
            line.clear();
        }
    }
    if (!line.empty()) {
        return HostError{where, "ended its answer inside a line",
                         "check the daemon's log: it may have stopped while answering"};
    }
    return answer_head(response);
}

}  // namespace

Result<DaemonAnswer> DaemonClient::request(const std::string& method, const std::string& path,
                                           const std::string& body, size_t max_answer_bytes) const {
    const std::string where = "socket " + socket_path_;
    return exchange(socket_path_, answer_timeout_, method, path, body,
                    [&](const Poco::Net::HTTPResponse& response, std::istream& in) {
                        return read_whole(where, response, in, max_answer_bytes);
                    });
}

Result<DaemonAnswer> DaemonClient::request_lines(const std::string& method, const std::string& path,
                                                 const std::string& body, size_t max_line_bytes,
                                                 size_t max_answer_bytes,
                                                 const LineSink& on_line) const {
    const std::string where = "socket " + socket_path_;
    return exchange(socket_path_, answer_timeout_, method, path, body,
                    [&](const Poco::Net::HTTPResponse& response, std::istream& in) {
                        const bool lines =
                            response.getStatus() == 200 &&
                            response.getContentType().rfind("application/x-ndjson", 0) == 0;
                        return lines ? read_lines(where, response, in, max_line_bytes, on_line)
                                     : read_whole(where, response, in, max_answer_bytes);
                    });
}

}  // namespace taskhost
