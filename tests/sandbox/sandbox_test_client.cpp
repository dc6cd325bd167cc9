#include "sandbox_test_client.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>
#include <gtest/gtest.h>

#include <mutex>
#include <sstream>

namespace sandbox_test {

bool Reply::has_header(const std::string& name) const {
    for (const auto& [key, value] : headers) {
        if (Poco::icompare(key, name) == 0) {
            return true;
        }
    }
    return false;
}

std::string Reply::header(const std::string& name) const {
    for (const auto& [key, value] : headers) {
        if (Poco::icompare(key, name) == 0) {
            return value;
        }
    }
    return "";
}

void init_client_tls() {
    static std::once_flag once;
    std::call_once(once, [] {
        Poco::Net::initializeSSL();
        Poco::SharedPtr<Poco::Net::InvalidCertificateHandler> reject =
            new Poco::Net::RejectCertificateHandler(false);
        Poco::Net::Context::Ptr context =
            new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", "",
                                   Poco::Net::Context::VERIFY_STRICT, 9, false);
        Poco::Net::SSLManager::instance().initializeClient(nullptr, reject, context);
    });
}

StrictClient::StrictClient(const std::string& ca_file, uint16_t port, int timeout_ms) {
    init_client_tls();
    Poco::Net::Context::Ptr context =
        new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", ca_file,
                               Poco::Net::Context::VERIFY_STRICT, 9, false);
    session_ = std::make_unique<Poco::Net::HTTPSClientSession>("localhost", port, context);
    session_->setKeepAlive(true);
    session_->setTimeout(Poco::Timespan(static_cast<long>(timeout_ms) * 1000));
}

Reply StrictClient::send(const Call& call) {
    Poco::Net::HTTPRequest request(call.method, call.target, Poco::Net::HTTPMessage::HTTP_1_1);
    request.setKeepAlive(true);
    if (!call.key.empty()) {
        request.set("X-DC-DEVKEY", call.key);
    }
    for (const auto& [name, value] : call.headers) {
        request.set(name, value);
    }
    if (call.method == "PUT" || call.method == "POST" || !call.body.empty()) {
        if (!call.content_type.empty()) {
            request.setContentType(call.content_type);
        }
        request.setContentLength(static_cast<std::streamsize>(call.body.size()));
    }
    std::ostream& out = session_->sendRequest(request);
    out << call.body;

    Poco::Net::HTTPResponse response;
    std::istream& in = session_->receiveResponse(response);
    Reply reply;
    reply.status = response.getStatus();
    Poco::StreamCopier::copyToString(in, reply.body);  // drained: the session stays reusable
    for (const auto& [name, value] : response) {
        reply.headers.emplace_back(name, value);
    }
    return reply;
}

sandbox::SandboxOptions base_options() {
    sandbox::SandboxOptions options;
    options.domains = sandbox::load_domain_fixture(DIGICERT_SANDBOX_FIXTURE);
    options.keys = {{kCanaryKey, "manager"}, {kViewOnlyKey, "view_only"}};
    return options;
}

std::string resend_target(long long domain_id) {
    return "/services/v2/domain/" + std::to_string(domain_id) + "/dcv/emails";
}

std::string json_of(const std::vector<std::string>& strings) {
    Poco::JSON::Array array;
    for (const std::string& s : strings) {
        array.add(s);
    }
    std::ostringstream out;
    array.stringify(out);
    return out.str();
}

std::pair<std::string, std::string> single_error(const std::string& body) {
    try {
        Poco::JSON::Parser parser;
        const auto object = parser.parse(body).extract<Poco::JSON::Object::Ptr>();
        const auto errors = object->getArray("errors");
        if (!errors || errors->size() != 1 || object->size() != 1) {
            ADD_FAILURE() << "not a single-error CertCentral body: " << body;
            return {};
        }
        const auto error = errors->getObject(0);
        if (!error || error->size() != 2) {
            ADD_FAILURE() << "error entry is not {code,message}: " << body;
            return {};
        }
        return {error->getValue<std::string>("code"), error->getValue<std::string>("message")};
    } catch (const std::exception& e) {
        ADD_FAILURE() << "not a CertCentral error body (" << e.what() << "): " << body;
        return {};
    }
}

}  // namespace sandbox_test
