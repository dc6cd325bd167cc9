#include "connection_settings.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <variant>

#include "printable_text.h"
#include "spec_json_reader.h"

namespace digicert_dcv {
namespace {

using Poco::JSON::Object;
using std::chrono::milliseconds;

std::optional<int64_t> optional_in(const Object& object, const std::string& path, const char* name,
                                   IntegerRange range) {
    return optional_integer(object, path, name, range.min, range.max);
}

RetrySettings parse_retry(const Object& retry) {
    const std::string path = "connection.retry";
    reject_unknown_fields(
        retry, path,
        {"max_attempts", "initial_delay_ms", "max_delay_ms", "deadline_ms", "in_doubt_retries"});
    RetrySettings out;
    if (const auto n = optional_in(retry, path, "max_attempts", kMaxAttemptsRange)) {
        out.max_attempts = static_cast<int>(*n);
    }
    if (const auto ms = optional_in(retry, path, "initial_delay_ms", kInitialDelayMsRange)) {
        out.initial_delay = milliseconds(*ms);
    }
    if (const auto ms = optional_in(retry, path, "max_delay_ms", kMaxDelayMsRange)) {
        out.max_delay = milliseconds(*ms);
    }
    if (const auto ms = optional_in(retry, path, "deadline_ms", kDeadlineMsRange)) {
        out.deadline = milliseconds(*ms);
    }
    if (const auto n = optional_in(retry, path, "in_doubt_retries", kInDoubtRetriesRange)) {
        out.in_doubt_retries = static_cast<int>(*n);
    }
    if (out.max_delay < out.initial_delay) {
        invalid("connection.retry.max_delay_ms", "(" + std::to_string(out.max_delay.count()) +
                                                     ") is smaller than initial_delay_ms (" +
                                                     std::to_string(out.initial_delay.count()) +
                                                     "); raise it or lower the other");
    }
    return out;
}

// `"us" or "eu"`, from the region table.
std::string region_choices() {
    std::string out;
    for (std::size_t i = 0; i < kCertCentralRegions.size(); ++i) {
        out += i == 0 ? "" : (i + 1 == kCertCentralRegions.size() ? " or " : ", ");
        out += "\"" + std::string(kCertCentralRegions[i].name) + "\"";
    }
    return out;
}

// `"us" (https://www.digicert.com/services/v2) or "eu" (...)`, for the "neither" message.
std::string region_choices_with_urls() {
    std::string out;
    for (std::size_t i = 0; i < kCertCentralRegions.size(); ++i) {
        out += i == 0 ? "" : (i + 1 == kCertCentralRegions.size() ? " or " : ", ");
        out += "\"" + std::string(kCertCentralRegions[i].name) + "\" (" +
               std::string(kCertCentralRegions[i].base_url) + ")";
    }
    return out;
}

// Exactly one of connection.region and connection.base_url; a region resolves to its URL here.
HttpsBaseUrl parse_endpoint(const Object& connection, std::optional<std::string>& region_out) {
    const std::string path = "connection";
    const auto region = optional_string(connection, path, "region", kMaxRegionLength);
    const auto base_url = optional_string(connection, path, "base_url", kMaxUrlLength);
    if (region && base_url) {
        invalid("connection.region",
                "and connection.base_url are both given; give exactly one: region " +
                    region_choices() + ", or base_url for any other API base");
    }
    if (!region && !base_url) {
        invalid("connection.base_url",
                "is required unless connection.region is given; give exactly one: region " +
                    region_choices_with_urls() + ", or base_url (an https:// API base)");
    }
    std::string url;
    if (region) {
        const auto region_url = certcentral_region_url(*region);
        if (!region_url) {
            // Quoted as JSON, like the choices: it is what the account's config says.
            invalid("connection.region", "\"" + printable_excerpt(*region, 32) + "\"" +
                                             " is not a CertCentral region; use " +
                                             region_choices() + ", or give base_url instead");
        }
        region_out = *region;
        url = std::string(*region_url);
    } else {
        url = *base_url;
    }
    const auto parsed = parse_https_base_url(url);
    if (const auto* problem = std::get_if<std::string>(&parsed)) {
        invalid("connection.base_url", quoted_excerpt(url, 120) + " " + *problem);
    }
    return std::get<HttpsBaseUrl>(parsed);
}

void check_api_key(std::string_view key) {
    // The value is never quoted: not even a part of it.
    if (!is_printable_ascii(key) || key.find(' ') != std::string_view::npos) {
        invalid("connection.api_key",
                "contains spaces, control or non-ASCII characters; check how the host resolved "
                "the account's key (a trailing newline in the key file is a common cause)");
    }
}

void check_ca_file(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0 || ::access(path.c_str(), R_OK) != 0) {
        const int err = errno;
        invalid("connection.ca_file", "cannot read " + quoted_excerpt(path, 200) + " (" +
                                          std::strerror(err) + "); give a readable PEM file");
    }
    if (!S_ISREG(info.st_mode)) {
        invalid("connection.ca_file",
                quoted_excerpt(path, 200) + " is not a regular file; give a PEM file");
    }
}

}  // namespace

std::optional<std::string_view> certcentral_region_url(std::string_view region) {
    for (const CertCentralRegion& known : kCertCentralRegions) {
        if (known.name == region) {
            return known.base_url;
        }
    }
    return std::nullopt;
}

ConnectionSettings parse_connection_settings(const Object& connection, bool dry_run) {
    const std::string path = "connection";
    reject_unknown_fields(
        connection, path,
        {"region", "base_url", "api_key", "ca_file", "timeout_ms", "proxy", "retry"});
    ConnectionSettings out;
    out.base_url = parse_endpoint(connection, out.region);

    // Read in place and wiped from the parsed spec: the key is held only by out.api_key.
    out.api_key = take_secret_string(connection, path, "api_key", kMaxApiKeyLength);
    if (!out.api_key.empty()) {
        check_api_key(out.api_key);
    } else if (!dry_run) {
        invalid("connection.api_key",
                "is required unless dry_run is true; name an account so the host resolves its "
                "key (users never write a key into a spec)");
    }
    if (const auto ca_file = optional_string(connection, path, "ca_file", kMaxCaFilePathLength)) {
        check_ca_file(*ca_file);
        out.ca_file = *ca_file;
    }
    if (const auto ms = optional_in(connection, path, "timeout_ms", kTimeoutMsRange)) {
        out.timeout = milliseconds(*ms);
    }
    if (const auto proxy = optional_string(connection, path, "proxy", kMaxUrlLength)) {
        const auto parsed_proxy = parse_http_proxy_url(*proxy);
        if (const auto* problem = std::get_if<std::string>(&parsed_proxy)) {
            invalid("connection.proxy", quoted_excerpt(*proxy, 120) + " " + *problem);
        }
        out.proxy = std::get<HttpProxy>(parsed_proxy);
    }
    if (const auto retry = optional_object(connection, path, "retry")) {
        out.retry = parse_retry(**retry);
    }
    return out;
}

void replace_api_key(ConnectionSettings& settings, SecretString key) {
    check_api_key(key);
    settings.api_key = std::move(key);
}

}  // namespace digicert_dcv
