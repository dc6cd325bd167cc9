// DaemonKeyMemory: after real tasks, where does the API key still sit in the daemon's memory
// (issue 9, Low: "the daemon's memory still holds X-DC-DEVKEY: <key> in a Poco buffer")?
// A daemon started with --allow-core-dumps (so that its parent, this test, may read
// /proc/PID/mem) runs resends and pre-flight reads of the real digicert_dcv.so against the
// sandbox, its key read from a 0600 key file. The test then stops it and counts the canary key,
// and the header line that carries it, in every readable mapping a core dump would include
// (everything but MADV_DONTDUMP ones), per kind of mapping. Only counts and addresses are
// printed: never the key.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <future>
#include <iostream>
#include <memory>
#include <vector>

#include "daemon_test_support.h"
#include "dcv_sandbox_support.h"
#include "process_memory_scan.h"
#include "sandbox_server.h"

namespace taskhost {
namespace {

using taskhost_test::DaemonUnderTest;
using taskhost_test::kCanaryKey;
using taskhost_test::MemoryScan;
using taskhost_test::parse_json;

// As long as a real CertCentral key (the canary alone is shorter than a free-list entry).
const std::string kLongCanary = std::string(kCanaryKey) + "-5e2d8b41a0c9f7e6d3b2a1908f7e6d5c";
// Its bytes past the first 16: free() overwrites a freed heap block's first 16 bytes with the
// free list's pointers, so a copy freed without wiping is found by its tail.
const std::string kCanaryTail = kLongCanary.substr(16);

// What the fixes achieved, and the bound a regression would cross. Before them a dump held the
// request head with the key 4 times (Poco's pooled header buffers), the bare key 7 times and 13
// freed copies found by their tail. Now every copy the host and the plugin make is wiped or in
// MADV_DONTDUMP pages (the spec is parsed in place and the outcome's secret is a SecretString):
// measured 0, 0 and 0 in every run.
constexpr std::size_t kMaxDumpedKeyHeaders = 0;
constexpr std::size_t kMaxDumpedKeys = 0;
constexpr std::size_t kMaxDumpedKeyTails = 0;

const char* const kTasks[] = {
    // Pre-flight recipient check (GET) and the resend (PUT).
    R"({"task": "digicert.dcv.resend", "params": {"domain_id": 1234567,
        "name_scope": "example.com", "email_array": ["admin@example.com"]}})",
    // The domain by name: the lookup (GET), the recipients (GET), the resend (PUT).
    R"({"task": "digicert.dcv.resend", "params": {"domain": "example.com",
        "email_array": ["admin@example.com"]}})",
    // The DCV state read first.
    R"({"task": "digicert.dcv.resend", "params": {"domain_id": 1234567,
        "skip_if_validated": true}})",
    // A dry run: reads only.
    R"({"task": "digicert.dcv.resend", "dry_run": true, "params": {"domain_id": 1234567,
        "email_array": ["admin@example.com"]}})",
};

// The daemon under test as its own process, with --allow-core-dumps (DaemonUnderTest::start has
// no way to pass it).
std::unique_ptr<taskhost_test::TaskhostProcess> start_dumpable(DaemonUnderTest& daemon,
                                                               const std::string& accounts) {
    daemon.write_config(R"({"watch_plugin_dir": false, "max_concurrency": 4})", accounts);
    auto process = std::make_unique<taskhost_test::TaskhostProcess>(
        std::vector<std::string>{"serve", "--config", daemon.config_path(), "--allow-core-dumps"},
        std::map<std::string, std::string>{});
    if (!process->wait_for_stderr("; ready", std::chrono::seconds(30))) {
        ADD_FAILURE() << "the daemon did not start: " << process->err();
        return nullptr;
    }
    return process;
}

void run_tasks(const DaemonUnderTest& daemon) {
    for (const char* task : kTasks) {
        const DaemonAnswer answer = daemon.post_task(task);
        EXPECT_EQ(answer.http_status, 200) << answer.body;
    }
    std::vector<std::future<DaemonAnswer>> concurrent;
    for (int i = 0; i < 4; ++i) {
        concurrent.push_back(
            std::async(std::launch::async, [&daemon] { return daemon.post_task(kTasks[0]); }));
    }
    for (auto& answer : concurrent) {
        EXPECT_EQ(answer.get().http_status, 200);
    }
}

MemoryScan scan_stopped(taskhost_test::TaskhostProcess& process, const std::string& needle) {
    process.send_signal(SIGSTOP);
    MemoryScan scan = taskhost_test::scan_process_memory(process.pid(), needle);
    process.send_signal(SIGCONT);
    return scan;
}

TEST(DaemonKeyMemory, AfterTasksNoDumpableMemoryHoldsTheKey) {
    sandbox::SandboxServer server(taskhost_test::sandbox_options(
        {taskhost_test::sandbox_domain(1234567, "example.com")}, kLongCanary));
    DaemonUnderTest daemon;
    taskhost_test::install_dcv_plugin(daemon.plugin_dir());
    const std::string key_file = daemon.root() + "/sandbox.key";
    taskhost_test::write_file(key_file, kLongCanary + "\n", 0600);
    const std::string accounts = "{\"sandbox\": {\"base_url\": \"" + server.base_url() +
                                 "\", \"ca_file\": \"" + server.ca_file() +
                                 "\", \"api_key_file\": \"" + key_file + "\"}}";
    std::unique_ptr<taskhost_test::TaskhostProcess> process = start_dumpable(daemon, accounts);
    ASSERT_TRUE(process);
    EXPECT_EQ(parse_json(daemon.get("/v1/health").body)->getValue<bool>("core_dumps"), true);

    run_tasks(daemon);
    ASSERT_GE(server.accepted_resends().size(), 6u) << "the resends did not all go out";

    const MemoryScan headers = scan_stopped(*process, "X-DC-DEVKEY: " + kLongCanary);
    const MemoryScan keys = scan_stopped(*process, kLongCanary);
    const MemoryScan tails = scan_stopped(*process, kCanaryTail);
    ASSERT_TRUE(headers.ok && keys.ok && tails.ok) << headers.error << keys.error << tails.error;
    std::cout << "key memory: \"X-DC-DEVKEY: <key>\" in dumpable memory: " << headers.summary()
              << "\nkey memory: the bare key in dumpable memory: " << keys.summary()
              << "\nkey memory: the key's tail (a freed copy) in dumpable memory: "
              << tails.summary() << std::endl;
    EXPECT_LE(headers.dumped(), kMaxDumpedKeyHeaders) << headers.summary();
#if !defined(__SANITIZE_ADDRESS__)
    // ASan's allocator keeps freed blocks in quarantine, unreused: its counts only show.
    EXPECT_LE(keys.dumped(), kMaxDumpedKeys) << keys.summary();
    EXPECT_LE(tails.dumped(), kMaxDumpedKeyTails) << tails.summary();
#endif

    process->send_signal(SIGTERM);
    const taskhost_test::ProcessResult stopped = process->finish(std::chrono::seconds(60));
    EXPECT_EQ(stopped.exit_code, 0);
    EXPECT_EQ(stopped.err.find(kCanaryTail), std::string::npos) << "the key reached the log";
}

}  // namespace
}  // namespace taskhost
