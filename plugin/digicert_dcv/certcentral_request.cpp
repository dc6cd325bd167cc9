#include "certcentral_request.h"

namespace digicert_dcv {

HttpHeaders CertCentralRequest::headers(bool redact_key) const {
    HttpHeaders out;
    if (has_body()) {
        out.emplace_back("Content-Type", "application/json");
    }
    out.emplace_back("Accept", "application/json");
    out.emplace_back("User-Agent", kUserAgent);
    if (has_body()) {
        out.emplace_back("Content-Length", std::to_string(body.size()));
    }
    if (!api_key.empty()) {
        out.emplace_back(kApiKeyHeader,
                         redact_key ? std::string(kRedacted) : std::string(api_key.view()));
    }
    return out;
}

CertCentralRequest build_certcentral_get(const ConnectionSettings& connection,
                                         const std::string& path_and_query) {
    CertCentralRequest request;
    request.method = "GET";
    request.host = connection.base_url.host;
    request.port = connection.base_url.port;
    request.target = connection.base_url.path + path_and_query;
    request.url = connection.base_url.normalised() + path_and_query;
    request.api_key = connection.api_key;
    request.route = route_template(request.method, path_and_query);
    return request;
}

std::string route_template(const std::string& method, std::string_view path_and_query) {
    const std::string_view path = path_and_query.substr(0, path_and_query.find_first_of("?#"));
    std::string route = method + " ";
    size_t start = 0;
    while (start < path.size()) {
        const size_t slash = path.find('/', start);
        const size_t end = slash == std::string_view::npos ? path.size() : slash;
        const std::string_view segment = path.substr(start, end - start);
        const bool fixed =
            !segment.empty() &&
            segment.find_first_not_of("abcdefghijklmnopqrstuvwxyz_-") == std::string_view::npos;
        route += fixed || segment.empty() ? std::string(segment) : std::string("{id}");
        if (slash == std::string_view::npos) {
            break;
        }
        route += '/';
        start = slash + 1;
    }
    return route;
}

std::string percent_encode(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
                                c == '~';
        if (unreserved) {
            out += ch;
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 0x0F];
        }
    }
    return out;
}

}  // namespace digicert_dcv
