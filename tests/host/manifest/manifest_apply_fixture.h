// The ManifestApply fixture: one DigiCert sandbox per suite (with a hook that can kill -9 the
// taskhost under test from inside an accepted resend), a host directory with the real plugin,
// and helpers to read --json output. Shared by the apply and the kill -9 tests.
#pragma once

#include <gtest/gtest.h>

#include <Poco/JSON/Object.h>

#include <atomic>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "dcv_sandbox_support.h"
#include "sandbox_server.h"
#include "sandbox_suite.h"

namespace taskhost {

constexpr int64_t kFirstDomain = 5000000;
constexpr int kDomains = 60;

using taskhost_test::by_name;
using taskhost_test::json_lines;
using taskhost_test::summary_of;
// Task "dI" resends domain kFirstDomain + I.
std::string task_json(int i);
std::string manifest_of(int count, const std::string& extra_task = "");

class ManifestApply : public sandbox_test::SandboxSuite {
  protected:
    static void SetUpTestSuite();
    void SetUp() override;

    void write_config(const std::string& rate_limits);
    std::string manifest(const std::string& text, const std::string& name = "m.json");
    std::vector<std::string> args(std::vector<std::string> words);
    taskhost_test::ProcessResult run(const std::vector<std::string>& words);
    std::map<int64_t, int> accepted_per_domain();
    // Names of the tasks whose completion the journal holds (last_sent_at, no pending intent).
    std::set<std::string> completed_in_journal();
    // Names whose journal entry holds an intent without its completion: in doubt, the next
    // apply resends them.
    std::set<std::string> in_doubt_in_journal();

    static std::atomic<int> accepted_;
    static std::atomic<int> kill_at_;
    static std::atomic<taskhost_test::TaskhostProcess*> victim_;
    taskhost_test::HostFixture host_;
};

}  // namespace taskhost
