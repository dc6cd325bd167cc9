// The spec's `connection` object (the account's settings as the host passes them through, plus
// api_key) parsed and validated into ConnectionSettings. The ranges and regions here are the one
// source of truth: the parser checks them and describe's connection_schema publishes them, so
// the host can validate an account without knowing anything about DigiCert.
#pragma once

#include <Poco/JSON/Object.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "secret_string.h"
#include "spec_field_rules.h"

namespace digicert_dcv {

inline constexpr std::size_t kMaxApiKeyLength = 256;
inline constexpr std::size_t kMaxCaFilePathLength = 4096;
inline constexpr std::size_t kMaxRegionLength = 16;
// "https://" and a one-character host: anything shorter cannot be a base URL.
inline constexpr std::size_t kMinBaseUrlLength = std::string_view("https://x").size();

// An inclusive range of a JSON integer setting.
struct IntegerRange {
    int64_t min;
    int64_t max;
};
inline constexpr IntegerRange kTimeoutMsRange{100, 300000};
inline constexpr IntegerRange kMaxAttemptsRange{1, 10};
inline constexpr IntegerRange kInitialDelayMsRange{0, 60000};
inline constexpr IntegerRange kMaxDelayMsRange{0, 300000};
inline constexpr IntegerRange kDeadlineMsRange{100, 3600000};
inline constexpr IntegerRange kInDoubtRetriesRange{0, kMaxAttemptsRange.max - 1};

// CertCentral's regions: connection.region names one instead of giving base_url. Only the
// plugin knows these URLs.
struct CertCentralRegion {
    std::string_view name;
    std::string_view base_url;
};
inline constexpr std::array<CertCentralRegion, 2> kCertCentralRegions{{
    {"us", "https://www.digicert.com/services/v2"},
    {"eu", "https://certcentral.digicert.eu/services/v2"},
}};

struct RetrySettings {
    int max_attempts = 5;
    std::chrono::milliseconds initial_delay{500};
    std::chrono::milliseconds max_delay{30000};
    std::chrono::milliseconds deadline{120000};  // the whole task, all attempts and waits
    // How many times a send that is in doubt (the whole request was written, then the
    // connection failed or timed out before any answer: the server may have accepted it) is
    // sent again, within max_attempts. 0: never; such a send ends failed with in_doubt true.
    // Reads (GET) change nothing and retry as any other failure.
    int in_doubt_retries = 0;
};

struct ConnectionSettings {
    HttpsBaseUrl base_url;              // given, or resolved from the region
    std::optional<std::string> region;  // "us" / "eu" when the spec named one
    SecretString api_key;               // empty only in a dry run without a key; wiped
    std::string ca_file;                // empty: the system trust store only
    std::chrono::milliseconds timeout{15000};
    std::optional<HttpProxy> proxy;
    RetrySettings retry;
};

// The base URL of a region, or nothing for a name that is not one.
std::optional<std::string_view> certcentral_region_url(std::string_view region);

// Throws SpecInvalid naming the field ("connection.region", "connection.retry.max_delay_ms").
// api_key may be absent only when `dry_run`.
ConnectionSettings parse_connection_settings(const Poco::JSON::Object& connection, bool dry_run);

// Puts the key taken out of the spec's text (spec_key_blanking.h) where the parsed settings hold
// the blank that replaced it, checked as a parsed key is.
void replace_api_key(ConnectionSettings& settings, SecretString key);

}  // namespace digicert_dcv
