#include "spec_field_rules.h"

#include <cctype>
#include <cstring>
#include <vector>

namespace digicert_dcv {
namespace {

bool is_lower_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}
bool is_alnum(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0;
}
bool is_alpha(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) != 0;
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

std::vector<std::string_view> split(std::string_view text, char sep) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    for (;;) {
        const std::size_t end = text.find(sep, start);
        parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
        if (end == std::string_view::npos) {
            return parts;
        }
        start = end + 1;
    }
}

// Shared by name_scope (lowercase only) and e-mail domains (any case, compared by DigiCert
// case-insensitively).
std::optional<std::string> dns_name_problem(std::string_view name, bool allow_upper) {
    if (name.empty()) {
        return "is empty";
    }
    if (name.size() > kMaxFqdnLength) {
        return "is longer than 253 characters";
    }
    if (name.substr(0, 2) == "*.") {
        return "is a wildcard; DigiCert scopes DCV to a concrete name: drop the '*.'";
    }
    if (name.back() == '.') {
        return "ends with '.'; give the name without the trailing dot";
    }
    const std::vector<std::string_view> labels = split(name, '.');
    if (labels.size() < 2) {
        return "has a single label; give a fully qualified name such as sub.example.com";
    }
    for (const std::string_view label : labels) {
        if (label.empty()) {
            return "has an empty label (two dots in a row)";
        }
        if (label.size() > kMaxLabelLength) {
            return "has a label longer than 63 characters";
        }
        for (const char c : label) {
            const bool ok =
                allow_upper ? (is_alnum(c) || c == '-') : (is_lower_alnum(c) || c == '-');
            if (!ok) {
                if (!allow_upper && c >= 'A' && c <= 'Z') {
                    return "has upper-case letters; write the name in lower case";
                }
                if (static_cast<unsigned char>(c) >= 0x80) {
                    return "has non-ASCII characters; use the IDNA (xn--) form of the name";
                }
                return "has a character outside a-z, 0-9, '-' and '.'";
            }
        }
        if (label.front() == '-' || label.back() == '-') {
            return "has a label starting or ending with '-'";
        }
    }
    bool numeric_tld = true;
    for (const char c : labels.back()) {
        numeric_tld = numeric_tld && is_digit(c);
    }
    if (numeric_tld) {
        return "looks like an IP address; DCV needs a DNS name";
    }
    return std::nullopt;
}

bool is_atext(char c) {
    return is_alnum(c) || (c != '\0' && std::strchr("!#$%&'*+/=?^_`{|}~-", c) != nullptr);
}

std::optional<uint16_t> parse_port(std::string_view text) {
    if (text.empty() || text.size() > 5) {
        return std::nullopt;
    }
    unsigned value = 0;
    for (const char c : text) {
        if (!is_digit(c)) {
            return std::nullopt;
        }
        value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value == 0 || value > 65535) {
        return std::nullopt;
    }
    return static_cast<uint16_t>(value);
}

struct Authority {
    std::string host;
    std::optional<uint16_t> port;
};

// host, host:port, [v6]:port. Host names may be single-label (localhost) here: a base URL or a
// proxy is a connection target, not a DCV scope.
std::variant<Authority, std::string> parse_authority(std::string_view text) {
    if (text.empty()) {
        return std::string("has no host");
    }
    if (text.find('@') != std::string_view::npos) {
        return std::string(
            "contains credentials (user@); they are not supported here and would leak into "
            "logs");
    }
    Authority out;
    std::string_view port_text;
    bool has_port = false;
    if (text.front() == '[') {
        const std::size_t close = text.find(']');
        if (close == std::string_view::npos) {
            return std::string("has an unterminated IPv6 literal");
        }
        const std::string_view v6 = text.substr(1, close - 1);
        if (v6.empty() ||
            v6.find_first_not_of("0123456789abcdefABCDEF:.") != std::string_view::npos) {
            return std::string("has an invalid IPv6 literal");
        }
        out.host = std::string(v6);
        const std::string_view rest = text.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') {
                return std::string("has characters after the IPv6 literal");
            }
            has_port = true;
            port_text = rest.substr(1);
        }
    } else {
        const std::size_t colon = text.find(':');
        const std::string_view host = text.substr(0, colon);
        if (colon != std::string_view::npos) {
            has_port = true;
            port_text = text.substr(colon + 1);
        }
        if (host.empty() || host.size() > kMaxFqdnLength) {
            return std::string("has an empty or over-long host");
        }
        for (const std::string_view label : split(host, '.')) {
            if (label.empty() || label.size() > kMaxLabelLength || label.front() == '-' ||
                label.back() == '-') {
                return std::string("has an invalid host name");
            }
            for (const char c : label) {
                if (!is_alnum(c) && c != '-') {
                    return std::string("has an invalid host name");
                }
            }
        }
        out.host = std::string(host);
    }
    if (has_port) {
        out.port = parse_port(port_text);
        if (!out.port) {
            return std::string("has an invalid port (1..65535)");
        }
    }
    return out;
}

}  // namespace

std::optional<std::string> fqdn_problem(std::string_view name) {
    return dns_name_problem(name, /*allow_upper=*/false);
}

std::optional<std::string> locale_problem(std::string_view locale) {
    std::size_t lang = 0;
    while (lang < locale.size() && locale[lang] >= 'a' && locale[lang] <= 'z') {
        ++lang;
    }
    const bool lang_ok = lang >= 2 && lang <= 3;
    bool region_ok = lang == locale.size();
    if (!region_ok && lang < locale.size() && (locale[lang] == '_' || locale[lang] == '-')) {
        const std::string_view region = locale.substr(lang + 1);
        region_ok = region.size() >= 2 && region.size() <= 4;
        for (const char c : region) {
            region_ok = region_ok && is_alpha(c) && static_cast<unsigned char>(c) < 0x80;
        }
    }
    if (!lang_ok || !region_ok) {
        return std::string(
            "is not shaped like a locale code: use a 2-3 letter lower-case language, optionally "
            "followed by '_' or '-' and a region, e.g. en, de, ja, zh_CN, pt-BR");
    }
    return std::nullopt;
}

std::optional<std::string> email_problem(std::string_view address) {
    if (address.empty()) {
        return std::string("is empty");
    }
    if (address.size() > kMaxEmailLength) {
        return std::string("is longer than 254 characters");
    }
    const std::size_t at = address.rfind('@');
    if (at == std::string_view::npos) {
        return std::string("has no '@'; give an address such as admin@example.com");
    }
    const std::string_view local = address.substr(0, at);
    const std::string_view domain = address.substr(at + 1);
    if (local.empty() || local.size() > kMaxEmailLocalPartLength) {
        return std::string("has an empty or over-long (more than 64 characters) local part");
    }
    if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
        return std::string("has a local part with a leading, trailing or doubled '.'");
    }
    for (const char c : local) {
        if (!is_atext(c) && c != '.') {
            return std::string(
                "has a character in the local part that is not allowed (quoted local parts, "
                "spaces and non-ASCII are not supported)");
        }
    }
    if (const auto problem = dns_name_problem(domain, /*allow_upper=*/true)) {
        return "has a domain that " + *problem;
    }
    return std::nullopt;
}

std::string HttpsBaseUrl::normalised() const {
    std::string out = "https://";
    out += host.find(':') != std::string::npos ? "[" + host + "]" : host;
    if (port != 443) {
        out += ":" + std::to_string(port);
    }
    return out + path;
}

std::variant<HttpsBaseUrl, std::string> parse_https_base_url(std::string_view url) {
    if (url.size() > kMaxUrlLength) {
        return std::string("is longer than 2048 characters");
    }
    static constexpr std::string_view kScheme = "https://";
    if (url.substr(0, kScheme.size()) != kScheme) {
        return std::string(
            "must start with https://: the API key travels in a header, so plain http (or any "
            "other scheme) would send it in the clear");
    }
    const std::string_view rest = url.substr(kScheme.size());
    const std::size_t slash = rest.find('/');
    const auto authority = parse_authority(rest.substr(0, slash));
    if (const auto* problem = std::get_if<std::string>(&authority)) {
        return *problem;
    }
    HttpsBaseUrl out;
    out.host = std::get<Authority>(authority).host;
    out.port = std::get<Authority>(authority).port.value_or(443);
    std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);
    if (path.find_first_of("?#") != std::string_view::npos) {
        return std::string(
            "must not have a query or fragment; give the API root, e.g. "
            "https://www.digicert.com/services/v2");
    }
    for (const char c : path) {
        if (!is_alnum(c) && std::strchr("/-._~%", c) == nullptr) {
            return std::string("has a path character outside A-Z a-z 0-9 / - . _ ~ %");
        }
    }
    while (!path.empty() && path.back() == '/') {
        path.remove_suffix(1);
    }
    out.path = std::string(path);
    return out;
}

std::variant<HttpProxy, std::string> parse_http_proxy_url(std::string_view url) {
    if (url.size() > kMaxUrlLength) {
        return std::string("is longer than 2048 characters");
    }
    static constexpr std::string_view kScheme = "http://";
    if (url.substr(0, kScheme.size()) != kScheme) {
        return std::string(
            "must look like http://host:port (an HTTP CONNECT proxy; TLS to DigiCert stays end "
            "to end through it)");
    }
    std::string_view rest = url.substr(kScheme.size());
    if (!rest.empty() && rest.back() == '/') {
        rest.remove_suffix(1);
    }
    if (rest.find('/') != std::string_view::npos) {
        return std::string("must not have a path; give http://host:port");
    }
    const auto authority = parse_authority(rest);
    if (const auto* problem = std::get_if<std::string>(&authority)) {
        return *problem;
    }
    const Authority& parsed = std::get<Authority>(authority);
    if (!parsed.port) {
        return std::string("has no port; give http://host:port");
    }
    return HttpProxy{parsed.host, *parsed.port};
}

}  // namespace digicert_dcv
