// What the host suites that run the real digicert_dcv.so against the DigiCert sandbox share:
// the sandbox's domains and keys, the plugin installed into a plugin directory, and the
// accounts that point at a running sandbox (the key only ever named by its environment
// variable).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "host_test_support.h"
#include "sandbox_server.h"

namespace taskhost_test {

// One domain that is pending validation.
sandbox::SandboxDomain sandbox_domain(int64_t id, const std::string& name);
// "d0.example.com", "d1.example.com", ... with ids first_id, first_id + 1, ...
std::vector<sandbox::SandboxDomain> numbered_domains(int64_t first_id, int count);
// A sandbox holding `domains` that takes `key` as a manager's, with its default rate windows.
sandbox::SandboxOptions sandbox_options(std::vector<sandbox::SandboxDomain> domains,
                                        const std::string& key = kCanaryKey);

// Copies the built digicert_dcv.so into `plugin_dir` (0755).
void install_dcv_plugin(const std::string& plugin_dir);

// The config's "accounts" object: account `name` on `server` (its base_url, trusting its
// ca_file) with its key in environment variable `key_env`, plus `extra_fields` (JSON members,
// e.g. R"("retry": {"max_attempts": 1})").
std::string sandbox_accounts(const sandbox::SandboxServer& server, const std::string& key_env,
                             const std::string& extra_fields = "",
                             const std::string& name = "sandbox");

// A fault on every resend (PUT .../dcv/emails): `action` after `delay` (kStall: no answer at all,
// kLatency: the answer after it).
sandbox::FaultRule every_resend(sandbox::FaultRule::Action action, std::chrono::milliseconds delay);
// The accounts of a daemon whose sends may be slow or stalled on purpose: one attempt, a 30 s
// timeout, so that only a cancel ends a stalled one early.
std::string slow_send_accounts(const sandbox::SandboxServer& server);

// A fresh sandbox for each test (the default fixture's domains, the canary key as a manager's)
// and a host directory with the real plugin installed; the test writes the config.
class DcvSandboxHostTest : public ::testing::Test {
  protected:
    void SetUp() override;

    std::unique_ptr<sandbox::SandboxServer> server_;
    HostFixture host_;
};

}  // namespace taskhost_test
