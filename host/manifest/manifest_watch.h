// A manifests directory kept converged: whenever a *.json in it changes (written, renamed in,
// removed), each manifest is planned and then applied, and the last plan and the last apply of
// every file are kept for the daemon's GET /v1/manifests. The daemon owns one; it supplies the
// current plugin catalog (so a plugin reload is picked up) and its host pacer (so manifest
// resends and API tasks share one pacer per key).
//
// Wiring in the daemon (host/daemon/): construct it after the registry and the pacer,
//   watch_ = std::make_unique<ManifestWatch>(config_, [this] { return registry_.catalog(); },
//                                            pacer_, ManifestWatchSettings{dir, ...});
//   watch_->start();
// answer GET /v1/manifests with to_json(watch_->status()), and destroy it before the pacer.
#pragma once

#include <Poco/JSON/Object.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "config/host_config.h"
#include "manifest/manifest_run.h"
#include "pacing/host_pacer.h"
#include "plugins/plugin_catalog.h"
#include "util/directory_watch.h"

namespace taskhost {

struct ManifestWatchSettings {
    std::string directory;  // absolute; its *.json files are the manifests
    size_t concurrency = kDefaultManifestConcurrency;
    // Editors write a file in several steps: a run starts once changes to *.json files have
    // been quiet this long (dot-files, e.g. temp files renamed into place, are ignored).
    std::chrono::milliseconds settle{500};
    // Each task an apply of the watch ran or refused (not plans): for the daemon's audit log.
    std::function<void(const ManifestTaskResult& result)> on_applied;
    // Each request answer a plugin reports while the watch plans or applies (see
    // TaskRunOptions::on_answer): the daemon's metrics. May be empty.
    AnswerSink on_answer;
};

class ManifestWatch {
  public:
    using CatalogSource = std::function<std::shared_ptr<const PluginCatalog>()>;

    // `ledger` (the daemon's) records the watch's sends like any other source's.
    ManifestWatch(const HostConfig& config, CatalogSource catalog, HostPacer& pacer, Ledger& ledger,
                  ManifestWatchSettings settings);
    ~ManifestWatch();  // cancels a running apply and waits for it
    ManifestWatch(const ManifestWatch&) = delete;
    ManifestWatch& operator=(const ManifestWatch&) = delete;

    // Watches the directory and runs once now. An error when the directory cannot be watched.
    Check start();
    // Plans and applies every manifest now, on the caller's thread (start() does it on its own).
    void run_now();

    // {"directory", "runs", "last_run_at", "files": {FILE: {"plan": RUN, "apply": RUN}}} where
    // RUN is {"at", "summary": {...}, "results": [one result per task]}; a file that is gone
    // is dropped at the next run.
    Poco::JSON::Object::Ptr status() const;

  private:
    void loop();
    void request_run();
    Poco::JSON::Object::Ptr run_file(const std::string& file, ManifestMode mode);

    const HostConfig& config_;
    CatalogSource catalog_;
    HostPacer& pacer_;
    Ledger& ledger_;
    ManifestWatchSettings settings_;
    std::unique_ptr<DirectoryWatch> watcher_;  // calls request_run() once changes settle

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool pending_ = false;
    bool stopping_ = false;
    CancelToken cancel_;
    uint64_t runs_ = 0;
    std::string last_run_at_;
    std::map<std::string, Poco::JSON::Object::Ptr> files_;  // file -> {"plan", "apply"}
    std::mutex run_mutex_;  // one run at a time (run_now and the loop)
    std::thread thread_;
};

}  // namespace taskhost
