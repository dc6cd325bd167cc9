// The DigiCert CertCentral sandbox: an HTTPS server on loopback that behaves like CertCentral's
// Services API v2 for the endpoints taskhost uses. Tests, the quick-start demo and benchmarks
// all run against it. It is test code: it is never linked into the plugin or the host.
//
// Endpoints (paths are under `base_path`, default "/services/v2"):
//   PUT  /domain/{id}/dcv/emails              resend DCV emails: 204, records the resend
//   GET  /domain/{id}?include_dcv=true&...    domain info
//   GET  /domain/{id}/dcv/emails              the addresses DigiCert could mail; honours
//                                             consider_dcv_email_preferences, ignores name_scope
//   GET  /domain?filters[search]=NAME         list domains: NAME exactly, or %25NAME (a '%'
//                                             first) for names containing NAME; limit/offset
// Errors use DigiCert's body shape: {"errors":[{"code":"...","message":"..."}]}.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sandbox_domain.h"

namespace sandbox {

// Which certificate the server presents. Every kind is made fresh at start.
enum class TlsIdentity {
    kTrusted,     // signed by the sandbox CA (ca_file()), SAN DNS:localhost, IP:127.0.0.1
    kWrongHost,   // signed by the same CA, but for DNS:wrong-host.invalid only
    kSelfSigned,  // a self-signed "localhost" certificate that no CA vouches for
};

struct SandboxKey {
    std::string key;
    // "manager" may resend; "view_only" (DigiCert role 102) may only GET: PUT answers 403
    // access_denied|missing_permission.
    std::string role = "manager";
};

struct RateWindow {
    int requests = 0;  // 0: this window is off
    std::chrono::milliseconds per{0};
};

struct AcceptedResend;

struct SandboxOptions {
    std::string bind_host = "127.0.0.1";
    uint16_t port = 0;  // 0: an ephemeral port
    std::string base_path = "/services/v2";
    TlsIdentity identity = TlsIdentity::kTrusted;
    std::vector<SandboxDomain> domains;
    std::vector<SandboxKey> keys;
    // DigiCert's limits are per API key, rolling windows: 100 per 5 s and 1000 per 3 min.
    // Over either, the key is locked out for `lockout` and EVERY request answers 429
    // request_limit_exceeded.
    RateWindow short_window{100, std::chrono::seconds(5)};
    RateWindow long_window{1000, std::chrono::minutes(3)};
    std::chrono::milliseconds lockout{std::chrono::seconds(5)};
    // CertCentral does not document Retry-After; send it on 429 only when set (seconds).
    std::optional<int> retry_after_seconds;
    // Where the CA certificate (PEM) and the server's key material are written. Created when
    // missing. Empty: a fresh private temporary directory, removed on destruction.
    std::string state_dir;
    // ---- added by the sandbox's owner (nothing above changed) ----
    // Called on a handler thread for each accepted resend, after it is recorded and before the
    // 204 goes out (the CLI prints its resend_accepted line from here). Must be thread-safe.
    std::function<void(const AcceptedResend&)> on_resend;
    // requests() keeps the newest this many, so a long benchmark cannot exhaust memory.
    size_t max_recorded_requests = 100000;
    // ---- added for issue 10 (nothing above changed) ----
    // What resends (and GET .../dcv/emails?consider_dcv_email_preferences=true) obey.
    DcvEmailPreferences dcv_email_preferences;
    // The sandbox's day zero: the `validated` shorthand counts from it, and the fixture loader's
    // expires_in_days should use the same one. Unset: when the server starts.
    std::optional<std::chrono::system_clock::time_point> start_time;
};

// One injected fault. A rule matches requests by method and path suffix; it fires for the
// requests numbered [skip, skip + count) among those it matches (count < 0: forever).
struct FaultRule {
    std::string method;       // "" matches any method
    std::string path_suffix;  // "" matches any path; e.g. "/dcv/emails"
    int skip = 0;
    int count = 1;
    enum class Action {
        kStatus,   // answer `status` with `body` (raw bytes; "" = DigiCert error JSON)
        kReset,    // read the whole request, then close the TCP connection (RST), no answer
        kClose,    // read the whole request, then close TCP (FIN) without TLS close_notify
        kStall,    // accept, read the request, then say nothing for `delay`, then close
        kLatency,  // wait `delay`, then answer normally
        // Mid-answer faults, after the whole request was read. Each answers `status` (body:
        // `body`, or DigiCert error JSON when it is "") with a Content-Length for all of it:
        kResetAfterHeaders,  // status line and headers, then `delay`, then RST: no body
        kCloseAfterHeaders,  // status line and headers, then `delay`, then FIN, no close_notify
        kTruncatedBody,      // status line, headers, half the body, then an orderly TLS close
        // Drips, after the whole request was read: the answer (`status`, `body` as above, with
        // a Content-Length) is written one byte per `delay`, then the connection closes. Each
        // stops early when the sandbox stops or the peer goes away.
        kDripHeaders,  // the status line and headers one byte at a time, then the body at once
        kDripBody,     // the status line and headers at once, then the body one byte at a time
    } action = Action::kStatus;
    int status = 500;
    std::string body;
    std::string content_type = "application/json";
    std::map<std::string, std::string> headers;  // extra response headers (e.g. Retry-After)
    std::chrono::milliseconds delay{0};
};

// Everything the server received, as it came off the wire (after TLS).
struct RecordedRequest {
    std::string method;
    std::string target;  // path + query, as sent
    std::string http_version;
    std::vector<std::pair<std::string, std::string>> headers;  // in order, names as sent
    std::string body;
    std::string header(const std::string& name) const;  // case-insensitive; "" when absent
};

// A resend the sandbox accepted (answered 204).
struct AcceptedResend {
    int64_t domain_id = 0;
    std::string name_scope;              // as sent; the domain's name when the body had none
    std::string locale;                  // as sent; "" when the body had none
    std::vector<std::string> requested;  // email_array as sent
    std::vector<std::string> mailed;     // whom the sandbox "mailed" (rules: dcv_recipients.h)
    std::chrono::system_clock::time_point at;
};

// Totals since the start (or reset_records()), never trimmed like requests().
struct SandboxCounters {
    size_t requests = 0;      // requests read whole, faulted or not
    size_t resends = 0;       // resends accepted (204)
    size_t rate_limited = 0;  // 429 request_limit_exceeded answers
    size_t connections = 0;   // TCP connections accepted: one TLS handshake (attempt) each
};

class SandboxServer {
  public:
    explicit SandboxServer(SandboxOptions options);
    ~SandboxServer();  // stops and joins every handler thread
    SandboxServer(const SandboxServer&) = delete;
    SandboxServer& operator=(const SandboxServer&) = delete;

    uint16_t port() const;
    std::string base_url() const;   // "https://localhost:PORT/services/v2"
    std::string ca_file() const;    // PEM of the sandbox CA (what a client trusts)
    std::string state_dir() const;  // added: where ca.pem and the server keys live

    void add_fault(FaultRule rule);
    // The next `count` TCP connections are reset (RST) as soon as they are accepted: before
    // the TLS handshake, so no request ever arrives on them. clear_faults() cancels it.
    void reset_next_connections(int count);
    // The next `count` TCP connections are accepted and then held silent for `hold` (or until
    // the sandbox stops): no TLS handshake, no byte sent. clear_faults() cancels it.
    void silence_next_connections(int count, std::chrono::milliseconds hold);
    void clear_faults();

    std::vector<RecordedRequest> requests() const;
    // How many requests were received (read whole, faulted or not) whose method is `method`
    // ("" any) and whose path (without the query) ends with `path_suffix` ("" any).
    size_t request_count(const std::string& method = "", const std::string& path_suffix = "") const;
    std::vector<AcceptedResend> accepted_resends() const;
    size_t rate_limited_count() const;    // how many 429 request_limit_exceeded it answered
    size_t connections_accepted() const;  // TCP connections (TLS handshakes attempted)
    SandboxCounters counters() const;
    void reset_records();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// The domains of a fixture (see domain_fixture.h for its syntax and limits): the listed ones,
// then the generated ones. Its "account" settings are dropped; load_sandbox_fixture keeps them.
// Times in it count from `start`. Throws std::runtime_error naming the file and the field.
std::vector<SandboxDomain> load_domain_fixture(
    const std::string& path,
    std::chrono::system_clock::time_point start = std::chrono::system_clock::now());

}  // namespace sandbox
