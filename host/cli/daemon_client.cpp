#include "cli/daemon_client.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <istream>
#include <ostream>
#include <string>

namespace taskhost {

Result<DaemonAnswer> DaemonClient::request(const std::string& method, const std::string& path,
                                           const std::string& body, size_t max_answer_bytes) const {
    const std::string where = "socket " + socket_path_;
    Poco::Net::StreamSocket socket;
    try {
        socket.connect(
            Poco::Net::SocketAddress(Poco::Net::SocketAddress::UNIX_LOCAL, socket_path_));
    } catch (const Poco::Exception& e) {
        return HostError{where, "cannot connect: " + e.displayText(),
                         "start the daemon (taskhost serve), check --socket or the config's "
                         "daemon.socket, and that you are in the socket's group"};
    }
    try {
        // On a socket it is given (not one it connects) HTTPClientSession never applies its own
        // timeouts: they go on the socket.
        const Poco::Timespan timeout(answer_timeout_.count(), 0);
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
        DaemonAnswer answer;
        answer.http_status = static_cast<int>(response.getStatus());
        answer.retry_after = response.get("Retry-After", "");
        char buffer[16384];
        while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
            answer.body.append(buffer, static_cast<size_t>(in.gcount()));
            if (answer.body.size() > max_answer_bytes) {
                return HostError{where,
                                 "answered more than " +
                                     std::to_string(max_answer_bytes / (1024 * 1024)) + " MiB",
                                 "check what listens there"};
            }
        }
        return answer;
    } catch (const Poco::TimeoutException&) {
        return HostError{where,
                         "gave no answer within " + std::to_string(answer_timeout_.count()) + " s",
                         "check that taskhost serve runs and is not stuck (systemctl status "
                         "taskhost, its log): a socket-activated service that cannot start "
                         "leaves its socket accepting without answering"};
    } catch (const Poco::Exception& e) {
        return HostError{where, "the request failed: " + e.displayText(),
                         "check that taskhost serve is running there (see its log)"};
    }
}

}  // namespace taskhost
