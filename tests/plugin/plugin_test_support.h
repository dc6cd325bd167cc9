// Test support for driving the BUILT digicert_dcv.so through the C ABI: the dlopened library,
// a host struct that records every callback, task specs aimed at an in-process sandbox, and
// the sandbox setup the suites share.
#pragma once

#include <Poco/JSON/Object.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "sandbox_server.h"
#include "sandbox_suite.h"
#include "taskhost/plugin.h"
#include "temp_dir.h"

namespace dcv_plugin_test {

inline constexpr const char* kCanaryKey = "CANARY-KEY-7f3a9c";
inline constexpr const char* kViewOnlyKey = "VIEW-ONLY-KEY-51d2";
inline constexpr int64_t kDomainId = 1234567;  // example.com in the sandbox
inline constexpr int64_t kUnknownDomainId = 7654321;
inline constexpr int64_t kValidatedDomainId = 1234568;  // example.org: DCV complete
inline constexpr int64_t kWhoisDomainId = 1234569;      // example.net: WHOIS and DNS TXT contacts

// digicert_dcv.so, dlopened once (RTLD_NOW | RTLD_LOCAL) for the whole test binary.
struct LoadedPlugin {
    void* handle = nullptr;
    taskhost_plugin_describe_fn describe = nullptr;
    taskhost_plugin_execute_fn execute = nullptr;
    static const LoadedPlugin& instance();
};

// A host that records what the plugin does through the ABI. Thread-safe.
class RecordingHost {
  public:
    RecordingHost();
    RecordingHost(const RecordingHost&) = delete;
    RecordingHost& operator=(const RecordingHost&) = delete;

    const taskhost_host* abi() const { return &host_; }
    // Offer the appended pacing callbacks (acquire answers `acquire_answer`).
    void offer_pacing(int acquire_answer = 0);
    // Pretend to be a host built before the pacing fields: `size` stops after `cancelled`,
    // although the pointers are set (a plugin must not read them).
    void shrink_to_pre_pacing_size();
    // Offer answered (each request's end, recorded as "ROUTE STATUS").
    void offer_answered();
    // Pretend to be a host built before answered: `size` stops after `throttled`, although the
    // pointer is set (a plugin must not read it).
    void shrink_to_pre_answered_size();
    // cancelled() answers non-zero from its `n`-th call on (1-based).
    void cancel_from_call(int n) { cancel_from_ = n; }
    // cancelled() answers non-zero once `delay` from now has passed (from any thread).
    void cancel_after(std::chrono::milliseconds delay);
    // Runs `hook` at the start of every acquire call (set it before the host is used), e.g.
    // to hold a task inside the plugin.
    void on_acquire_call(std::function<void()> hook) { acquire_hook_ = std::move(hook); }

    std::vector<std::string> emits() const;
    std::vector<std::string> logs() const;
    int acquire_calls() const { return acquire_calls_.load(); }
    int cancelled_calls() const { return cancelled_calls_.load(); }
    std::vector<uint32_t> throttled_ms() const;
    std::vector<std::string> buckets() const;
    std::vector<std::string> answers() const;

  private:
    static void on_emit(void* ctx, const char* json, size_t len);
    static void on_log(void* ctx, int level, const char* message);
    static int on_cancelled(void* ctx);
    static int on_acquire(void* ctx, const char* bucket);
    static void on_throttled(void* ctx, const char* bucket, uint32_t retry_after_ms);
    static void on_answered(void* ctx, const char* route, int status);

    taskhost_host host_{};
    mutable std::mutex mutex_;
    std::vector<std::string> emits_;
    std::vector<std::string> logs_;
    std::vector<uint32_t> throttled_;
    std::vector<std::string> buckets_;
    std::vector<std::string> answers_;
    std::atomic<int> acquire_calls_{0};
    std::atomic<int> cancelled_calls_{0};
    std::atomic<int> cancel_from_{0};
    std::atomic<int64_t> cancel_at_ns_{0};  // steady_clock ticks; 0: never
    int acquire_answer_ = 0;
    std::function<void()> acquire_hook_;
};

struct SpecOptions {
    std::optional<int64_t> domain_id = kDomainId;
    std::optional<std::string> domain;  // a name to resolve (then clear domain_id)
    std::optional<std::string> id = std::string("test-run");
    std::optional<std::string> name_scope = std::string("example.com");
    std::optional<std::string> locale = std::string("en");
    std::optional<std::vector<std::string>> emails = std::vector<std::string>{"admin@example.com"};
    std::optional<std::string> key = std::string(kCanaryKey);
    // The pre-flight switches; unset ones are left out of the spec (their defaults apply).
    // The recipient check is off unless a test asks for it, so the suites about the resend
    // itself see only the PUT on the wire.
    std::optional<bool> check_recipients = false;
    std::optional<bool> skip_if_validated;
    std::optional<std::string> revalidate_within;  // e.g. "30d"
    std::optional<bool> strict_recipients;
    bool dry_run = false;
    int timeout_ms = 5000;
    int max_attempts = 3;
    int initial_delay_ms = 1;
    int max_delay_ms = 5;
    int deadline_ms = 30000;
    std::optional<int> in_doubt_retries;  // connection.retry.in_doubt_retries, when set
};

// A task spec aimed at `server` (its base_url, trusting its ca_file).
std::string resend_spec(const sandbox::SandboxServer& server, const SpecOptions& options = {});

struct Execution {
    int rc = -1;
    std::string raw;                  // the single emitted outcome
    Poco::JSON::Object::Ptr outcome;  // parsed
    int emit_count = 0;
};

// Runs one plugin_execute with `host` and parses what it emitted.
Execution execute(const std::string& spec, RecordingHost& host);

// The same through another loaded copy's plugin_execute.
Execution execute_with(taskhost_plugin_execute_fn plugin_execute, const std::string& spec,
                       RecordingHost& host);

// Sandbox options the suites share: the fixture domains, the canary key (manager) and a view-only
// key, rate windows wide enough that only the plugin's own pacing matters.
sandbox::SandboxOptions sandbox_options(
    sandbox::TlsIdentity identity = sandbox::TlsIdentity::kTrusted);

// The fixture of the suites that drive the loaded plugin against one sandbox (server_), started
// with sandbox_options(); a suite that needs other options hides SetUpTestSuite and calls
// start_sandbox() with them.
class PluginSandboxSuite : public sandbox_test::SandboxSuite {
  protected:
    static void SetUpTestSuite() { start_sandbox(sandbox_options()); }
};

using taskhost_test::TempDir;

// Outcome accessors.
std::string status_of(const Execution& e);
std::string error_kind_of(const Execution& e);
int attempts_of(const Execution& e);
// The outcome's top-level "in_doubt": false when absent.
bool in_doubt_of(const Execution& e);

bool contains(const std::string& text, const std::string& part);
// How many of the outcomes `host` was sent and of its log lines hold `text` (a key: none may).
int records_holding(const RecordingHost& host, const std::string& text);

}  // namespace dcv_plugin_test
