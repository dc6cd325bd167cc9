#include "daemon/http_head_parser.h"

#include <cctype>
#include <vector>

namespace taskhost {
namespace {

std::vector<std::string> head_lines(const std::string& head) {
    std::vector<std::string> lines;
    size_t from = 0;
    for (size_t end = head.find('\n'); end != std::string::npos; end = head.find('\n', from)) {
        size_t stop = end;
        if (stop > from && head[stop - 1] == '\r') {
            --stop;
        }
        lines.push_back(head.substr(from, stop - from));
        from = end + 1;
    }
    while (!lines.empty() && lines.back().empty()) {
        lines.pop_back();
    }
    return lines;
}

std::string trimmed(const std::string& text) {
    size_t from = 0;
    size_t to = text.size();
    while (from < to && (text[from] == ' ' || text[from] == '\t')) {
        ++from;
    }
    while (to > from && (text[to - 1] == ' ' || text[to - 1] == '\t')) {
        --to;
    }
    return text.substr(from, to - from);
}

bool lower_equals(const std::string& text, const char* lower) {
    std::string folded;
    for (const char c : text) {
        folded += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return folded == lower;
}

bool is_token(const std::string& text) {
    if (text.empty()) {
        return false;
    }
    for (const char c : text) {
        if (!std::isalnum(static_cast<unsigned char>(c)) &&
            std::string("!#$%&'*+-.^_`|~").find(c) == std::string::npos) {
            return false;
        }
    }
    return true;
}

HttpRefusal malformed(const std::string& what) {
    return HttpRefusal{400, "the request " + what + " is malformed", "send an HTTP/1.1 request"};
}

std::optional<HttpRefusal> parse_request_line(const std::string& line, HttpRequest& request) {
    const size_t first = line.find(' ');
    const size_t last = line.rfind(' ');
    if (first == std::string::npos || last == first) {
        return malformed("line");
    }
    request.method = line.substr(0, first);
    request.target = line.substr(first + 1, last - first - 1);
    const std::string version = line.substr(last + 1);
    if (!is_token(request.method) || request.target.empty() ||
        request.target.find(' ') != std::string::npos) {
        return malformed("line");
    }
    if (version != "HTTP/1.1" && version != "HTTP/1.0") {
        return HttpRefusal{505, "only HTTP/1.0 and HTTP/1.1 are spoken here", "send HTTP/1.1"};
    }
    request.http11 = version == "HTTP/1.1";
    return std::nullopt;
}

// Content-Length and Transfer-Encoding, refusing what could be read two ways (smuggling).
std::optional<HttpRefusal> read_framing(const HttpRequest& request, HttpBodyFraming& framing) {
    const std::string* length = nullptr;
    for (const auto& field : request.headers) {
        if (!same_header_name(field.first, "Content-Length")) {
            continue;
        }
        if (length != nullptr && *length != field.second) {
            return malformed("Content-Length");
        }
        length = &field.second;
    }
    const std::string* encoding = request.header("Transfer-Encoding");
    if (encoding != nullptr) {
        if (length != nullptr) {
            return malformed("framing (Content-Length and Transfer-Encoding)");
        }
        if (!lower_equals(*encoding, "chunked")) {
            return HttpRefusal{501,
                               "Transfer-Encoding " + encoding->substr(0, 32) + " is not supported",
                               "send a Content-Length or chunked"};
        }
        framing.chunked = true;
        return std::nullopt;
    }
    if (length != nullptr) {
        if (length->empty() || length->size() > 18 ||
            length->find_first_not_of("0123456789") != std::string::npos) {
            return malformed("Content-Length");
        }
        framing.length = std::stoull(*length);
    }
    return std::nullopt;
}

}  // namespace

size_t head_end(const std::string& bytes) {
    const size_t crlf = bytes.find("\r\n\r\n");
    const size_t lf = bytes.find("\n\n");
    if (crlf == std::string::npos && lf == std::string::npos) {
        return std::string::npos;
    }
    if (lf == std::string::npos || (crlf != std::string::npos && crlf + 4 < lf + 2)) {
        return crlf + 4;
    }
    return lf + 2;
}

std::optional<HttpRefusal> parse_head(const std::string& head, HttpRequest& request,
                                      HttpBodyFraming& framing) {
    const std::vector<std::string> lines = head_lines(head);
    if (lines.empty()) {
        return malformed("line");
    }
    if (std::optional<HttpRefusal> bad = parse_request_line(lines[0], request)) {
        return bad;
    }
    if (lines.size() - 1 > kMaxHeaderFields) {
        return HttpRefusal{
            431, "the request has more than " + std::to_string(kMaxHeaderFields) + " header fields",
            "send fewer header fields"};
    }
    for (size_t i = 1; i < lines.size(); ++i) {
        const size_t colon = lines[i].find(':');
        if (colon == std::string::npos || !is_token(lines[i].substr(0, colon))) {
            return malformed("header field");
        }
        request.headers.emplace_back(lines[i].substr(0, colon),
                                     trimmed(lines[i].substr(colon + 1)));
    }
    if (std::optional<HttpRefusal> bad = read_framing(request, framing)) {
        return bad;
    }
    const std::string* connection = request.header("Connection");
    request.keep_alive = request.http11 ? !(connection && lower_equals(*connection, "close"))
                                        : (connection && lower_equals(*connection, "keep-alive"));
    const std::string* expect = request.header("Expect");
    framing.expect_continue = request.http11 && expect && lower_equals(*expect, "100-continue");
    request.has_framing = framing.chunked || request.header("Content-Length") != nullptr;
    request.carries_body = framing.chunked || framing.length > 0;
    return std::nullopt;
}

}  // namespace taskhost
