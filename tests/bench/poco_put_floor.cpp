// The floor of a Poco client: one DCV resend PUT through Poco's HTTPSClientSession, as the plugin
// makes it, and nothing else (no config, plugin, ledger or JSON). tests/bench/speed_bench.sh runs
// it beside `taskhost run` cold: its wall and peak RSS are what any program built on Debian's
// Poco and OpenSSL pays for one call, so they bound what the cold run can reach.
//
// usage: poco_put_floor BASE_URL CA_FILE KEY_FILE DOMAIN_ID NAME   (the key is read from the file,
// never from the command line); exit 0 when the answer is 204.
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/URI.h>

#include <fstream>
#include <iostream>
#include <string>

int main(int argc, char** argv) {
    if (argc != 6) {
        std::cerr << "usage: poco_put_floor BASE_URL CA_FILE KEY_FILE DOMAIN_ID NAME\n";
        return 2;
    }
    std::string key;
    std::ifstream(argv[3]) >> key;
    const Poco::URI base(argv[1]);
    Poco::Net::Context::Ptr context(new Poco::Net::Context(
        Poco::Net::Context::TLS_CLIENT_USE, "", "", argv[2], Poco::Net::Context::VERIFY_RELAXED));
    Poco::Net::HTTPSClientSession session(base.getHost(), base.getPort(), context);
    const std::string name = argv[5];
    const std::string body = "{\"name_scope\":\"" + name +
                             "\",\"locale\":\"en\",\"email_array\":[\"admin@" + name + "\"]}";
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_PUT,
                                   base.getPath() + "/domain/" + argv[4] + "/dcv/emails",
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    request.setContentType("application/json");
    request.setContentLength(static_cast<std::streamsize>(body.size()));
    request.set("X-DC-DEVKEY", key);
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    session.receiveResponse(response).ignore(1 << 20);
    std::cout << response.getStatus() << "\n";
    return response.getStatus() == Poco::Net::HTTPResponse::HTTP_NO_CONTENT ? 0 : 1;
}
