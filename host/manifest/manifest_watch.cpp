#include "manifest/manifest_watch.h"

#include <Poco/Delegate.h>
#include <Poco/DirectoryWatcher.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>

#include <sstream>

#include "manifest/manifest_sources.h"
#include "manifest/resend_journal.h"
#include "util/bounded_json.h"

namespace taskhost {

// Receives Poco's directory events (on Poco's thread) and forwards "something changed".
class ManifestChangeSink {
  public:
    explicit ManifestChangeSink(std::function<void()> changed) : changed_(std::move(changed)) {}
    void on_event(const Poco::DirectoryWatcher::DirectoryEvent&) { changed_(); }
    void on_error(const Poco::Exception&) { changed_(); }

  private:
    std::function<void()> changed_;
};

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

Object::Ptr summary_json(const ManifestRunSummary& s) {
    Object::Ptr json = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    json->set("tasks", static_cast<uint64_t>(s.tasks));
    json->set("sent", static_cast<uint64_t>(s.sent));
    json->set("would_send", static_cast<uint64_t>(s.would_send));
    json->set("unchanged", static_cast<uint64_t>(s.unchanged));
    json->set("failed", static_cast<uint64_t>(s.failed));
    json->set("invalid", static_cast<uint64_t>(s.invalid));
    json->set("in_doubt", static_cast<uint64_t>(s.in_doubt));
    json->set("elapsed_ms", s.elapsed_ms);
    return json;
}

}  // namespace

ManifestWatch::ManifestWatch(const HostConfig& config, CatalogSource catalog, HostPacer& pacer,
                             ManifestWatchSettings settings)
    : config_(config),
      catalog_(std::move(catalog)),
      pacer_(pacer),
      settings_(std::move(settings)) {}

ManifestWatch::~ManifestWatch() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    cancel_ = true;  // a running apply cancels its tasks through the plugin and stops
    wake_.notify_all();
    watcher_.reset();  // no more events
    if (thread_.joinable()) {
        thread_.join();
    }
}

Check ManifestWatch::start() {
    try {
        sink_ = std::make_unique<ManifestChangeSink>([this] { request_run(); });
        watcher_ = std::make_unique<Poco::DirectoryWatcher>(
            settings_.directory, Poco::DirectoryWatcher::DW_FILTER_ENABLE_ALL);
        watcher_->itemAdded += Poco::delegate(sink_.get(), &ManifestChangeSink::on_event);
        watcher_->itemRemoved += Poco::delegate(sink_.get(), &ManifestChangeSink::on_event);
        watcher_->itemModified += Poco::delegate(sink_.get(), &ManifestChangeSink::on_event);
        watcher_->itemMovedTo += Poco::delegate(sink_.get(), &ManifestChangeSink::on_event);
        watcher_->itemMovedFrom += Poco::delegate(sink_.get(), &ManifestChangeSink::on_event);
        watcher_->scanError += Poco::delegate(sink_.get(), &ManifestChangeSink::on_error);
    } catch (const Poco::Exception& e) {
        return HostError{"manifests directory " + settings_.directory,
                         "cannot be watched: " + printable(e.displayText()),
                         "create it, or point the daemon at a directory of *.json manifests"};
    }
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
        wake_.wait(lock, [this] { return pending_ || stopping_; });
        if (stopping_) {
            return;
        }
        // Let a burst of events (an editor's temp file, write, rename) settle into one run.
        while (pending_ && !stopping_) {
            pending_ = false;
            wake_.wait_for(lock, settings_.settle, [this] { return stopping_; });
        }
        if (stopping_) {
            return;
        }
        lock.unlock();
        run_now();
        lock.lock();
    }
}

Object::Ptr ManifestWatch::run_file(const std::string& file, ManifestMode mode) {
    const std::shared_ptr<const PluginCatalog> catalog = catalog_();  // held for the run
    ManifestRunSettings settings;
    settings.mode = mode;
    settings.concurrency = settings_.concurrency;
    settings.state_dir = settings_.state_dir;
    ManifestRun run(config_, *catalog, pacer_, settings);
    Array::Ptr results = new Array;
    ManifestRunObserver observer;
    observer.finished = [&results](const ManifestTaskResult& result, const std::string&) {
        results->add(result.to_json());
    };
    Result<ManifestRunReport> report = run.run({file}, observer, &cancel_);
    Object::Ptr json = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    json->set("at", format_utc(WallClock::now()));
    if (!report.ok()) {
        // Nothing ran: e.g. another apply holds the state directory.
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
        if (cancel_) {
            break;
        }
        Object::Ptr entry = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        entry->set("plan", run_file(file, ManifestMode::kPlan));
        entry->set("apply", run_file(file, ManifestMode::kApply));
        fresh[file] = entry;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    files_ = std::move(fresh);
    ++runs_;
    last_run_at_ = format_utc(WallClock::now());
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
