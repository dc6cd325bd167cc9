#include "manifest/manifest_watch.h"

#include <Poco/JSON/Array.h>

#include <sstream>

#include "ledger/utc_time.h"
#include "manifest/manifest_run_json.h"
#include "manifest/manifest_sources.h"
#include "util/bounded_json.h"
#include "util/heap_trim.h"

namespace taskhost {

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

// As expand_manifest_paths picks them: *.json (dot-files are never manifests).
bool is_manifest_file_name(const std::string& name) {
    const std::string suffix = ".json";
    return name.size() > suffix.size() &&
           name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

ManifestWatch::ManifestWatch(const HostConfig& config, CatalogSource catalog, HostPacer& pacer,
                             Ledger& ledger, ManifestWatchSettings settings)
    : config_(config),
      catalog_(std::move(catalog)),
      pacer_(pacer),
      ledger_(ledger),
      settings_(std::move(settings)) {}

ManifestWatch::~ManifestWatch() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    cancel_.cancel();  // a running apply cancels its tasks through the plugin and stops
    wake_.notify_all();
    watcher_.reset();  // no more events: joins the watch's thread (it calls request_run)
    if (thread_.joinable()) {
        thread_.join();
    }
}

Check ManifestWatch::start() {
    DirectoryWatchSettings watch;
    watch.settle = settings_.settle;
    watch.accept = is_manifest_file_name;
    watch.what = "manifests directory";
    Result<std::unique_ptr<DirectoryWatch>> watcher =
        DirectoryWatch::start(settings_.directory, std::move(watch), [this] { request_run(); });
    if (!watcher.ok()) {
        HostError error = watcher.error();
        error.fix += ", or point the daemon at a directory of *.json manifests";
        return error;
    }
    watcher_ = std::move(watcher.value());
    thread_ = std::thread([this] { loop(); });
    request_run();
    return std::nullopt;
}

void ManifestWatch::request_run() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        pending_ = true;
    }
    wake_.notify_all();
}

void ManifestWatch::loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
        // A burst of events (an editor's temp file, write, rename) has already settled into
        // one request in the DirectoryWatch; one arriving during a run gives the next run.
        wake_.wait(lock, [this] { return pending_ || stopping_; });
        if (stopping_) {
            return;
        }
        pending_ = false;
        lock.unlock();
        run_now();
        lock.lock();
    }
}

Object::Ptr ManifestWatch::run_file(const std::string& file, ManifestMode mode) {
    const std::shared_ptr<const PluginCatalog> catalog = catalog_();  // held for the run
    ManifestRunSettings settings;
    settings.mode = mode;
    settings.watched = true;
    settings.concurrency = settings_.concurrency;
    settings.on_answer = settings_.on_answer;
    ManifestRun run(config_, *catalog, pacer_, ledger_, settings);
    Array::Ptr results = new Array;
    ManifestRunObserver observer;
    observer.finished = [this, &results, mode](const ManifestTaskResult& result,
                                               const std::string&) {
        results->add(result.to_json());
        if (mode == ManifestMode::kApply && settings_.on_applied) {
            settings_.on_applied(result);
        }
    };
    Result<ManifestRunReport> report = run.run({file}, observer, cancel_);
    Object::Ptr json = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    json->set("at", format_utc(WallClock::now()));
    if (!report.ok()) {
        // Nothing ran: e.g. no manifest could be read.
        json->set("error", report.error().text());
        return json;
    }
    json->set("summary", summary_json(report.value().summary));
    json->set("results", results);
    return json;
}

void ManifestWatch::run_now() {
    std::lock_guard<std::mutex> one_run(run_mutex_);
    std::vector<std::string> files;
    if (Result<std::vector<std::string>> found = expand_manifest_paths({settings_.directory});
        found.ok()) {
        files = found.value();
    }
    std::map<std::string, Object::Ptr> fresh;
    for (const std::string& file : files) {
        if (cancel_.requested()) {
            break;
        }
        Object::Ptr entry = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        entry->set("plan", run_file(file, ManifestMode::kPlan));
        entry->set("apply", run_file(file, ManifestMode::kApply));
        fresh[file] = entry;
    }
    {
        std::lock_guard<std::mutex> lock(mutex_);
        files_ = std::move(fresh);
        ++runs_;
        last_run_at_ = format_utc(WallClock::now());
    }
    return_free_heap_to_system();  // the runs' free pages (util/heap_trim.h)
}

Object::Ptr ManifestWatch::status() const {
    std::lock_guard<std::mutex> lock(mutex_);
    Object::Ptr json = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    json->set("directory", settings_.directory);
    json->set("runs", runs_);
    if (!last_run_at_.empty()) {
        json->set("last_run_at", last_run_at_);
    }
    Object::Ptr files = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    for (const auto& entry : files_) {
        files->set(entry.first, entry.second);
    }
    json->set("files", files);
    return json;
}

}  // namespace taskhost
