// The shape rules for single spec values (names, locales, addresses, URLs). Each returns the
// problem as a sentence, or nothing when the value is fine, so the spec parser can name the
// field and quote the value around it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace digicert_dcv {

inline constexpr std::size_t kMaxFqdnLength = 253;
inline constexpr std::size_t kMaxLabelLength = 63;
inline constexpr std::size_t kMaxEmailLength = 254;
inline constexpr std::size_t kMaxEmailLocalPartLength = 64;
inline constexpr std::size_t kMaxUrlLength = 2048;

// A DNS name DigiCert can scope a domain to: labels of 1..63 [a-z0-9-] not starting or ending
// with '-', at least two labels, at most 253 characters, no wildcard, a non-numeric last label.
std::optional<std::string> fqdn_problem(std::string_view name);

// A locale code shaped like en, de, ja, zh_CN, pt-BR: ^[a-z]{2,3}([_-][A-Za-z]{2,4})?$. The
// list DigiCert accepts is not published, so only the shape is checked.
std::optional<std::string> locale_problem(std::string_view locale);

// local@domain with an unquoted dot-atom local part and a DNS domain (any letter case).
std::optional<std::string> email_problem(std::string_view address);

// A parsed https:// base URL: no credentials, query or fragment; path without trailing '/'.
struct HttpsBaseUrl {
    std::string host;  // without brackets for IPv6
    uint16_t port = 443;
    std::string path;  // "" or "/services/v2"
    std::string normalised() const;
};
std::variant<HttpsBaseUrl, std::string> parse_https_base_url(std::string_view url);

// An HTTP proxy "http://host:port" (CONNECT tunnel; TLS stays end to end).
struct HttpProxy {
    std::string host;
    uint16_t port = 0;
};
std::variant<HttpProxy, std::string> parse_http_proxy_url(std::string_view url);

}  // namespace digicert_dcv
