#include "daemon/http_message.h"

#include <strings.h>

#include <cstdio>
#include <ctime>

namespace taskhost {

bool same_header_name(const std::string& a, const std::string& b) {
    return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

const std::string* HttpRequest::header(const std::string& name) const {
    for (const auto& field : headers) {
        if (same_header_name(field.first, name)) {
            return &field.second;
        }
    }
    return nullptr;
}

std::string HttpRequest::path() const {
    return target.substr(0, target.find('?'));
}

const char* reason_phrase(int status) {
    switch (status) {
        case 100:
            return "Continue";
        case 200:
            return "OK";
        case 202:
            return "Accepted";
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 408:
            return "Request Timeout";
        case 413:
            return "Request Entity Too Large";
        case 422:
            return "Unprocessable Entity";
        case 431:
            return "Request Header Fields Too Large";
        case 500:
            return "Internal Server Error";
        case 501:
            return "Not Implemented";
        case 503:
            return "Service Unavailable";
        case 505:
            return "HTTP Version Not Supported";
        default:
            return status < 300 ? "OK" : status < 500 ? "Client Error" : "Server Error";
    }
}

std::string answer_bytes(const HttpAnswer& answer, bool keep_alive) {
    char date[64];
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    ::gmtime_r(&now, &utc);
    std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &utc);
    std::string bytes = "HTTP/1.1 " + std::to_string(answer.status) + " " +
                        reason_phrase(answer.status) + "\r\nDate: " + date + "\r\n";
    if (!answer.content_type.empty()) {
        bytes += "Content-Type: " + answer.content_type + "\r\n";
    }
    for (const auto& field : answer.headers) {
        bytes += field.first + ": " + field.second + "\r\n";
    }
    if (answer.more) {
        bytes += "Transfer-Encoding: chunked\r\n";
    } else {
        bytes += "Content-Length: " + std::to_string(answer.body.size()) + "\r\n";
    }
    bytes += keep_alive ? "Connection: Keep-Alive\r\n\r\n" : "Connection: Close\r\n\r\n";
    return bytes + (answer.more ? chunk_bytes(answer.body, false) : answer.body);
}

std::string chunk_bytes(const std::string& body, bool last) {
    std::string bytes;
    if (!body.empty()) {
        char size[32];
        std::snprintf(size, sizeof size, "%zx\r\n", body.size());
        bytes = size + body + "\r\n";
    }
    return last ? bytes + "0\r\n\r\n" : bytes;
}

}  // namespace taskhost
