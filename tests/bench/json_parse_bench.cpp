// json_parse_bench (issue 9, Medium 5): how long the host takes to refuse or parse the worst JSON
// a user can send it, against the quadratic case measured before the key limit (a 1 MB task body
// with 110,000 keys took 139 s): a 1 MiB task body with as many keys as fit, a 4 MiB manifest of
// objects with as many keys as the limit allows (the worst that is still parsed), and a 4 MiB
// manifest of ordinary tasks. Prints one line per case: bytes, verdict, milliseconds. Exit 0
// when every case ended (refused or parsed), 1 otherwise; times are printed, not enforced.
//
//   json_parse_bench
#include <chrono>
#include <cstdio>
#include <string>

#include "manifest/manifest.h"
#include "util/bounded_json.h"

namespace {

using Clock = std::chrono::steady_clock;

std::string object_of_keys(size_t keys, size_t& counter) {
    std::string text = "{";
    for (size_t i = 0; i < keys; ++i) {
        text += (i ? ",\"k" : "\"k") + std::to_string(counter++) + "\":1";
    }
    return text + "}";
}

void report(const char* name, size_t bytes, bool ok, const std::string& why, Clock::time_point t0) {
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    std::printf("%-44s %9zu bytes  %-8s %8.1f ms  %s\n", name, bytes, ok ? "parsed" : "refused", ms,
                why.substr(0, 60).c_str());
}

}  // namespace

int main() {
    using namespace taskhost;
    // 1. A task body of 1 MiB that is one object with as many keys as fit.
    std::string body = "{\"params\": {";
    for (size_t i = 0; body.size() < 1024 * 1024 - 32; ++i) {
        body += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":1";
    }
    body += "}}";
    auto t0 = Clock::now();
    auto parsed = parse_json_object(body, JsonLimits{1024 * 1024 + 64, 32}, "task body");
    report("task body, one object, 1 MiB of keys", body.size(), parsed.ok(),
           parsed.ok() ? "" : parsed.error().problem, t0);

    // 2. A 4 MiB manifest whose tasks' params each hold the most keys the limit allows.
    const size_t limit = JsonLimits{}.max_keys;
    std::string worst = "{\"version\": 1, \"tasks\": [";
    size_t counter = 0;
    for (size_t i = 0; worst.size() < 4 * 1024 * 1024 - 64 * 1024; ++i) {
        worst += std::string(i ? "," : "") + "{\"name\": \"t" + std::to_string(i) +
                 "\", \"task\": \"x.y\", \"params\": " + object_of_keys(limit - 1, counter) + "}";
    }
    worst += "]}";
    t0 = Clock::now();
    Manifest m = parse_manifest(worst, "/bench/worst.json");
    report("manifest, 4 MiB, objects at the key limit", worst.size(), !m.file_failed(),
           m.file_failed() && !m.problems.empty() ? m.problems.front().error.problem : "", t0);

    // 3. A 4 MiB manifest of ordinary tasks.
    std::string plain = "{\"version\": 1, \"tasks\": [";
    for (size_t i = 0; plain.size() < 4 * 1024 * 1024 - 1024; ++i) {
        plain += std::string(i ? "," : "") + "{\"name\": \"d" + std::to_string(i) +
                 "\", \"task\": \"digicert.dcv.resend\", \"params\": {\"domain_id\": " +
                 std::to_string(1000 + i) + ", \"name_scope\": \"d" + std::to_string(i) +
                 ".example\", \"email_array\": [\"admin@d" + std::to_string(i) + ".example\"]}}";
    }
    plain += "]}";
    t0 = Clock::now();
    Manifest p = parse_manifest(plain, "/bench/plain.json");
    report("manifest, 4 MiB, ordinary tasks", plain.size(), !p.file_failed(),
           p.file_failed() && !p.problems.empty() ? p.problems.front().error.problem : "", t0);
    return 0;
}
