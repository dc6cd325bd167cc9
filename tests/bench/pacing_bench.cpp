// pacing_bench: does the host pacer go as fast as DigiCert's limits allow, and no faster?
//
// Starts the DigiCert sandbox enforcing scaled-down limits (20 per 1 s and 100 per 10 s, with
// the lockout after any excess), applies a 400-task manifest through the built taskhost and the
// real plugin, and prints the requests sent, the 429s, the elapsed time, the shortest time the
// limits allow (computed from the windows) and the ratio. Then applies the same manifest again,
// which must send nothing. Exit 1 on any 429, a ratio over 1.10, a task not sent exactly once,
// or a second apply that sends anything (issue 4's acceptance).
//
//   pacing_bench [TASKS]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "dcv_sandbox_support.h"
#include "pacing/bucket_schedule.h"
#include "sandbox_server.h"

namespace {

constexpr const char* kKey = "CANARY-KEY-7f3a9c";
constexpr int64_t kFirstDomain = 7000000;

std::string manifest(int tasks) {
    std::string text = "{\"version\": 1, \"defaults\": {\"account\": \"bench\"}, \"tasks\": [";
    for (int i = 0; i < tasks; ++i) {
        text += std::string(i ? ",\n" : "\n") + "{\"name\": \"d" + std::to_string(i) +
                "\", \"task\": \"digicert.dcv.resend\", \"params\": {\"domain_id\": " +
                std::to_string(kFirstDomain + i) + "}}";
    }
    return text + "]}\n";
}

}  // namespace

int main(int argc, char** argv) {
    const int tasks = argc > 1 ? std::atoi(argv[1]) : 400;
    const std::vector<taskhost::RateWindow> windows = {{20, std::chrono::seconds(1)},
                                                       {100, std::chrono::seconds(10)}};
    sandbox::SandboxOptions options =
        taskhost_test::sandbox_options(taskhost_test::numbered_domains(kFirstDomain, tasks), kKey);
    options.short_window = sandbox::RateWindow{20, std::chrono::seconds(1)};
    options.long_window = sandbox::RateWindow{100, std::chrono::seconds(10)};
    sandbox::SandboxServer server(options);

    taskhost_test::HostFixture host;
    taskhost_test::install_dcv_plugin(host.plugin_dir());
    // The account overrides DigiCert's published limits (which the plugin describes) with the
    // sandbox's scaled-down ones, as an operator would when DigiCert changes them.
    host.write_config(
        taskhost_test::sandbox_accounts(server, "BENCH_KEY",
                                        R"("rate_limits": [{"requests": 20, "per_seconds": 1}, )"
                                        R"({"requests": 100, "per_seconds": 10}])",
                                        "bench"),
        "state");
    const std::string manifest_path = host.root() + "/bench.json";
    taskhost_test::write_file(manifest_path, manifest(tasks));
    const std::vector<std::string> apply = {"apply", manifest_path, "--config", host.config_path(),
                                            "--json"};

    const auto started = std::chrono::steady_clock::now();
    const taskhost_test::ProcessResult first =
        taskhost_test::run_taskhost(apply, {{"BENCH_KEY", kKey}});
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const size_t sent = server.requests().size();
    const size_t accepted = server.accepted_resends().size();
    const size_t throttled = server.rate_limited_count();
    const double shortest =
        std::chrono::duration<double>(taskhost::shortest_schedule(windows, tasks).back()).count();
    const double ratio = shortest > 0 ? elapsed / shortest : 0;

    const taskhost_test::ProcessResult second =
        taskhost_test::run_taskhost(apply, {{"BENCH_KEY", kKey}});
    const size_t second_sent = server.accepted_resends().size() - accepted;

    std::printf("pacing_bench: %d tasks, limits %s, concurrency 8\n", tasks,
                taskhost::describe_windows(windows).c_str());
    std::printf("  requests sent      %zu (resends accepted %zu)\n", sent, accepted);
    std::printf("  429 responses      %zu\n", throttled);
    std::printf("  elapsed            %.2f s (process start to exit)\n", elapsed);
    std::printf("  shortest possible  %.2f s (the last request's earliest turn)\n", shortest);
    std::printf("  ratio              %.3f (limit 1.10)\n", ratio);
    std::printf("  second apply sent  %zu (exit %d)\n", second_sent, second.exit_code);

    bool ok = true;
    const auto check = [&](bool good, const char* what) {
        if (!good) {
            std::printf("FAIL: %s\n", what);
            ok = false;
        }
    };
    check(first.exit_code == 0, "the first apply did not exit 0");
    check(throttled == 0, "the sandbox answered 429");
    check(accepted == static_cast<size_t>(tasks), "not every task was sent exactly once");
    check(ratio <= 1.10, "slower than 110% of the shortest time the limits allow");
    check(second.exit_code == 0 && second_sent == 0, "the second apply sent something");
    check(first.out.find(kKey) == std::string::npos && first.err.find(kKey) == std::string::npos,
          "the key appeared in taskhost's output");
    if (!ok) {
        std::printf(
            "first apply stderr (tail):\n%s\n",
            first.err.substr(first.err.size() > 2000 ? first.err.size() - 2000 : 0).c_str());
    }
    std::printf("%s\n", ok ? "pacing_bench: PASS" : "pacing_bench: FAIL");
    return ok ? 0 : 1;
}
