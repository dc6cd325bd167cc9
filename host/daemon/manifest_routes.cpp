#include "daemon/manifest_routes.h"

#include <cstdlib>
#include <string>
#include <vector>

#include "daemon/api_response.h"
#include "daemon/manifest_audit.h"
#include "manifest/manifest.h"
#include "manifest/manifest_run_json.h"
#include "util/bounded_json.h"
#include "util/heap_trim.h"

namespace taskhost {
namespace {

struct PostedRun {
    std::string name = "posted.json";
    ManifestRunSettings settings;
    bool stream = false;  // each result a line as its task ends, then the summary's
};

bool is_flag_value(const std::string& value) {
    return value == "true" || value == "false";
}

// A name for messages and results only (never opened): short, printable, no path tricks.
bool is_manifest_name(const std::string& name) {
    if (name.empty() || name.size() > 128 || name.front() == '.') {
        return false;
    }
    for (const char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
        if (!ok) {
            return false;
        }
    }
    return true;
}

Result<PostedRun> posted_run(ManifestMode mode, const std::map<std::string, std::string>& query) {
    PostedRun run;
    run.settings.mode = mode;
    run.settings.posted = true;
    for (const auto& [name, value] : query) {
        const std::string where = "query parameter " + printable(name, 64);
        if (name == "name" && is_manifest_name(value)) {
            run.name = value;
        } else if (name == "concurrency") {
            char* end = nullptr;
            const unsigned long n = std::strtoul(value.c_str(), &end, 10);
            if (value.empty() || *end != '\0' || n < 1 || n > kMaxManifestConcurrency) {
                return HostError{where, "is not a number from 1 to 64", "write concurrency=8"};
            }
            run.settings.concurrency = n;
        } else if (name == "strict" && is_flag_value(value)) {
            run.settings.strict = value == "true";
        } else if (name == "force" && mode == ManifestMode::kApply && is_flag_value(value)) {
            run.settings.force = value == "true";
        } else if (name == "stream" && is_flag_value(value)) {
            run.stream = value == "true";
        } else if (name == "name" || name == "strict" || name == "force" || name == "stream") {
            return HostError{where, "has a value it cannot take here",
                             "name: letters, digits, '.', '_' and '-' (at most 128); strict, "
                             "stream and force (apply only): true or false"};
        } else {
            return HostError{where, "is not known here",
                             "use name, concurrency, strict, stream or force (apply)"};
        }
    }
    return run;
}

void audit_posted(DaemonContext& context, const ManifestTaskResult& result,
                  const ApiCaller& caller) {
    AuditEntry entry = manifest_audit_entry(result, "manifest", "api");
    entry.peer = caller.peer;
    entry.peer_address = caller.address;
    context.audit.record(entry);
    context.metrics.task_recorded(entry);
}

void refuse(HttpAnswer& response, int status, const std::string& kind, const HostError& error,
            bool retryable) {
    send_error(response, ApiError{status, kind, error.text(), error.fix, retryable, {}});
}

constexpr const char* kNdjson = "application/x-ndjson";

// Counts a posted run for the drain while it lives. Counted before the drain is looked at, so
// that a drain that begins meanwhile either sees the run or is seen by it.
class PostedRunCount {
  public:
    explicit PostedRunCount(std::atomic<int>& runs) : runs_(runs) { ++runs_; }
    ~PostedRunCount() { --runs_; }
    PostedRunCount(const PostedRunCount&) = delete;
    PostedRunCount& operator=(const PostedRunCount&) = delete;

  private:
    std::atomic<int>& runs_;
};

// Once the last posted run in flight has ended, the threads' arenas give their free pages back
// (util/heap_trim.h); while another runs, they are about to be used again.
void trim_after_last_run(const DaemonContext& context) {
    if (context.posted_runs.load() == 1) {  // this run's own count
        return_free_heap_to_system();
    }
}

// Answers in pieces (application/x-ndjson): a line per result as its task ends, in the order
// they end, then {"summary": ...}.
void stream_manifest(DaemonContext& context, ManifestMode mode, const HttpRequest& request,
                     HttpAnswer& response, const PostedRun& posted,
                     const std::vector<Manifest>& manifests, const ApiCaller& caller) {
    ManifestRunSettings settings = posted.settings;
    settings.keep_results = false;  // each result leaves as a line: the run holds none of them
    const std::shared_ptr<const PluginCatalog> catalog = context.registry.catalog();
    ManifestRun engine(context.config, *catalog, context.pacer, context.ledger, settings);
    bool first = true;
    ManifestRunObserver observer;
    observer.finished = [&](const ManifestTaskResult& result, const std::string&) {
        if (mode == ManifestMode::kApply) {
            audit_posted(context, result, caller);
        }
        HttpAnswer piece;
        piece.content_type = first ? kNdjson : "";
        piece.body = to_json(result.to_json()) + "\n";
        first = false;
        request.stream(std::move(piece));
    };
    const ManifestRunReport report =
        engine.run_manifests(manifests, observer, context.drain_expired);
    Poco::JSON::Object::Ptr line = new Poco::JSON::Object;
    line->set("summary", summary_json(report.summary));
    response.status = 200;
    response.content_type = kNdjson;
    response.body = to_json(line) + "\n";
}

}  // namespace

void post_manifest(DaemonContext& context, ManifestMode mode, const HttpRequest& request,
                   HttpAnswer& response, const std::map<std::string, std::string>& query,
                   const ApiCaller& caller) {
    const PostedRunCount counted(context.posted_runs);
    if (context.draining.load()) {
        refuse(response, 503, "shutting_down",
               HostError{"the daemon", "is shutting down", "post the manifest once it is back"},
               true);
        return;
    }
    if (request.body_too_large) {
        response.close = true;  // the rest of the body is never read
        refuse(response, 413, "too_large",
               HostError{"the manifest", "is larger than 1 MiB",
                         "split it into several files, or run taskhost apply without --socket"},
               false);
        return;
    }
    Result<PostedRun> run = posted_run(mode, query);
    if (!run.ok()) {
        refuse(response, 400, "invalid_input", run.error(), false);
        return;
    }
    const std::vector<Manifest> manifests{parse_manifest(request.body, run.value().name)};
    PostedRun& posted = run.value();
    posted.settings.on_answer = context.metrics.answer_sink();
    posted.settings.stop_starting = context.drain_begun;
    posted.settings.stop_reason = "the daemon is shutting down";
    posted.settings.caller = ledger_caller(caller);
    if (posted.stream && request.stream) {  // HTTP/1.0 (no stream) gets the whole answer
        stream_manifest(context, mode, request, response, posted, manifests, caller);
        trim_after_last_run(context);
        return;
    }
    const std::shared_ptr<const PluginCatalog> catalog = context.registry.catalog();
    ManifestRun engine(context.config, *catalog, context.pacer, context.ledger, posted.settings);
    ManifestRunObserver observer;
    if (mode == ManifestMode::kApply) {
        observer.finished = [&context, &caller](const ManifestTaskResult& result,
                                                const std::string&) {
            audit_posted(context, result, caller);
        };
    }
    const ManifestRunReport report =
        engine.run_manifests(manifests, observer, context.drain_expired);
    send_json(response, 200, to_json(report_json(report)));
    trim_after_last_run(context);
}

}  // namespace taskhost
