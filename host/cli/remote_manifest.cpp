#include "cli/remote_manifest.h"

#include <chrono>
#include <ostream>

#include "cli/daemon_answer.h"
#include "cli/daemon_client.h"
#include "cli/manifest_reporter.h"
#include "cli/streamed_report.h"
#include "manifest/manifest_run_json.h"
#include "manifest/manifest_sources.h"
#include "tasks/outcome.h"
#include "util/bounded_json.h"

namespace taskhost {
namespace {

// The daemon keeps at most 1 MiB of a request's body.
constexpr size_t kMaxPostedManifestBytes = 1024 * 1024;
// One result: the plugin's outcome (at most kMaxOutcomeBytes, 1 MiB) and what the host adds.
constexpr size_t kMaxResultBytes = 4 * 1024 * 1024;

// The name the daemon gives the manifest in results: the file's base name, its characters
// limited to those the route accepts.
std::string posted_name(const std::string& file) {
    std::string name = file.substr(file.find_last_of('/') + 1);
    for (char& c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
        c = ok ? c : '_';
    }
    if (name.empty() || name.front() == '.') {
        name = "manifest" + name;
    }
    return name.substr(0, 128);
}

std::string route_for(const ManifestOptions& options, const std::string& file) {
    const bool apply = options.mode == ManifestMode::kApply;
    std::string route = apply ? "/v1/manifests/apply" : "/v1/manifests/plan";
    route += "?name=" + posted_name(file) + "&concurrency=" + std::to_string(options.concurrency);
    route += options.strict ? "&strict=true" : "";
    route += apply && options.force ? "&force=true" : "";
    return route;
}

void add_up(ManifestRunSummary& total, const ManifestRunSummary& one) {
    total.manifests += one.manifests;
    total.tasks += one.tasks;
    total.sent += one.sent;
    total.would_send += one.would_send;
    total.unchanged += one.unchanged;
    total.failed += one.failed;
    total.invalid += one.invalid;
    total.in_doubt += one.in_doubt;
    total.strict_refused = total.strict_refused || one.strict_refused;
}

// One file through the daemon, asked to answer each result as its task ends (`report` prints
// them): the answer's status (and its body when it came whole), or why there is none.
Result<DaemonAnswer> post_file(const DaemonClient& client, const ManifestOptions& options,
                               const std::string& file, StreamedReport& report) {
    Result<std::string> text = read_bounded_file(file, kMaxPostedManifestBytes, "manifest " + file);
    if (!text.ok()) {
        return HostError{text.error().where, text.error().problem,
                         "split it (the daemon takes at most 1 MiB per manifest), or apply it "
                         "without --socket"};
    }
    Result<DaemonAnswer> answer = client.request_lines(
        "POST", route_for(options, file) + "&stream=true", text.value(), kMaxResultBytes,
        kMaxManifestAnswerBytes, [&report](const std::string& line) { return report.line(line); });
    if (!answer.ok() || answer.value().http_status == 200) {
        return answer;
    }
    Result<Poco::JSON::Object::Ptr> body =
        parse_daemon_answer(answer.value(), client.socket_path());
    if (!body.ok()) {
        return body.error();
    }
    return HostError{"the daemon on " + client.socket_path(),
                     "refused manifest " + file + ": " + daemon_error_text(body.value()),
                     "see the daemon's answer above"};
}

// The results of a split report read back, all of them before any is printed.
Result<std::vector<ManifestTaskResult>> read_results(const ReportText& report,
                                                     const std::string& what) {
    std::vector<ManifestTaskResult> results;
    results.reserve(report.results.size());
    for (size_t i = 0; i < report.results.size(); ++i) {
        const std::string where = what + ", results[" + std::to_string(i) + "]";
        Result<Poco::JSON::Object::Ptr> object = parse_json_object(
            std::string(report.results[i]), JsonLimits{kMaxResultBytes, 64}, where);
        if (!object.ok()) {
            return object.error();
        }
        Result<ManifestTaskResult> result = result_from_json(object.value());
        if (!result.ok()) {
            return result.error();
        }
        results.push_back(std::move(result.value()));
    }
    return results;
}

// The report, its results printed as a local run prints them; its summary, or why not.
Result<ManifestRunSummary> report_answer(const DaemonAnswer& answer, const std::string& socket,
                                         const ManifestRunObserver& observer,
                                         ManifestReporter& reporter, bool json) {
    const std::string what = "answer of the daemon on " + socket;
    Result<ReportText> report = split_report_text(answer.body, what);
    if (!report.ok()) {
        return report.error();
    }
    if (json) {  // each result's text as the daemon wrote it: a local run's line, byte for byte
        reporter.json_results(report.value().results);
        return report.value().summary;
    }
    Result<std::vector<ManifestTaskResult>> results = read_results(report.value(), what);
    if (!results.ok()) {
        return results.error();
    }
    observer.started(results.value().size());
    for (const ManifestTaskResult& result : results.value()) {
        observer.finished(result, "");
    }
    return report.value().summary;
}

}  // namespace

int manifest_through_daemon(const ManifestOptions& options, std::ostream& out, std::ostream& err) {
    const auto started = std::chrono::steady_clock::now();
    const bool detailed = options.detailed_exitcodes;
    Result<std::vector<std::string>> files = expand_manifest_paths(options.paths);
    if (!files.ok()) {
        err << "taskhost: " << files.error().text() << std::endl;
        return exit_code_for_usage_error(detailed);
    }
    const DaemonClient client(*options.socket);
    ManifestReporter reporter(out, err, options.mode, options.json, false, false);
    const ManifestRunObserver observer = reporter.observer();
    ManifestRunSummary total;
    for (const std::string& file : files.value()) {
        const std::string what = "answer of the daemon on " + client.socket_path();
        StreamedReport streamed(what, options.json, observer, reporter);
        Result<DaemonAnswer> answer = post_file(client, options, file, streamed);
        Result<ManifestRunSummary> summary =
            !answer.ok()         ? Result<ManifestRunSummary>(answer.error())
            : streamed.summary() ? Result<ManifestRunSummary>(*streamed.summary())
            : !answer.value().body.empty()
                ? report_answer(answer.value(), client.socket_path(), observer, reporter,
                                options.json)
                : Result<ManifestRunSummary>(
                      HostError{what, "ended before its summary line",
                                "check the daemon's log: it may have stopped while answering"});
        if (!summary.ok()) {
            err << "taskhost: " << summary.error().text() << std::endl;
            return exit_code_for_usage_error(detailed);
        }
        add_up(total, summary.value());
    }
    total.elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - started)
                           .count();
    reporter.summary(total);
    return exit_code_for_run(total, detailed);
}

}  // namespace taskhost
