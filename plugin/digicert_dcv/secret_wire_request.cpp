#include "secret_wire_request.h"

#include <Poco/Net/NetException.h>

#include <string>

namespace digicert_dcv {
namespace {

constexpr std::string_view kCrlf = "\r\n";
constexpr std::string_view kColon = ": ";

bool is_key_header(const std::string& name) {
    return name == kApiKeyHeader;
}

// What one header line costs, and writes it when `out` is given.
std::size_t header_line(const std::string& name, std::string_view value, SecretString* out) {
    if (out != nullptr) {
        out->append(name).append(kColon).append(value).append(kCrlf);
    }
    return name.size() + kColon.size() + value.size() + kCrlf.size();
}

// The whole request, measured (out null) or written.
std::size_t render(const Poco::Net::HTTPRequest& head, const CertCentralRequest& request,
                   SecretString* out) {
    const std::string& method = head.getMethod();
    const std::string& uri = head.getURI();
    const std::string& version = head.getVersion();
    std::size_t size = method.size() + 1 + uri.size() + 1 + version.size() + kCrlf.size();
    if (out != nullptr) {
        out->append(method).append(" ").append(uri).append(" ").append(version).append(kCrlf);
    }
    for (const auto& [name, value] : head) {
        const std::string_view shown = is_key_header(name) ? request.api_key.view() : value;
        size += header_line(name, shown, out);
    }
    size += kCrlf.size();
    if (out != nullptr) {
        out->append(kCrlf);
    }
    if (request.has_body()) {
        size += request.body.size();
        if (out != nullptr) {
            out->append(request.body);
        }
    }
    return size;
}

}  // namespace

void prepare_head(const CertCentralRequest& request, HeadWrittenByCaller& head) {
    for (const auto& [name, value] : request.headers(/*redact_key=*/true)) {
        if (name == "Content-Length") {
            head.setContentLength(static_cast<std::streamsize>(request.body.size()));
        } else if (is_key_header(name)) {
            head.set(name, "");  // the place of the key: render_wire_request writes it
        } else {
            head.set(name, value);
        }
    }
    head.setKeepAlive(true);
}

SecretString render_wire_request(const Poco::Net::HTTPRequest& head,
                                 const CertCentralRequest& request) {
    SecretString out = SecretString::with_capacity(render(head, request, nullptr));
    render(head, request, &out);
    return out;
}

void send_all(Poco::Net::StreamSocket& socket, std::string_view bytes) {
    while (!bytes.empty()) {
        const int sent = socket.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
        if (sent <= 0) {
            throw Poco::Net::ConnectionResetException("the connection took no more bytes");
        }
        bytes.remove_prefix(static_cast<std::size_t>(sent));
    }
}

}  // namespace digicert_dcv
