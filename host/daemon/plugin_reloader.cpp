#include "daemon/plugin_reloader.h"

namespace taskhost {
namespace {

// The daemon probes changed files through a warm probe server (plugins/plugin_probe_warm.h).
PluginProbeOptions with_warm_probe(PluginProbeOptions probe) {
    if (probe.warm == nullptr) {
        probe.warm = std::make_shared<WarmProbe>();
    }
    return probe;
}

}  // namespace

PluginReloader::PluginReloader(std::string plugin_dir, PluginRegistry& registry, DaemonLog& log,
                               PluginProbeOptions probe)
    : plugin_dir_(std::move(plugin_dir)),
      registry_(registry),
      log_(log),
      stop_probes_(probe.cancel),
      library_(with_warm_probe(std::move(probe))) {
    thread_ = std::thread([this] { run(); });
}

PluginReloader::~PluginReloader() {
    stop();
}

std::shared_future<std::shared_ptr<const ReloadReport>> PluginReloader::request(
    const std::string& trigger) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) {
        std::promise<std::shared_ptr<const ReloadReport>> answered;
        answered.set_value(registry_.last_reload());
        return answered.get_future().share();
    }
    if (pending_ == nullptr) {
        pending_ = std::make_unique<Pending>();
        pending_->future = pending_->promise.get_future().share();
    }
    pending_->triggers.push_back(trigger);
    wake_.notify_one();
    return pending_->future;
}

void PluginReloader::stop() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (stopping_ && !thread_.joinable()) {
            return;
        }
        stopping_ = true;
    }
    stop_probes_.cancel();
    wake_.notify_one();
    if (thread_.joinable()) {
        thread_.join();
    }
}

void PluginReloader::run() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
        wake_.wait(lock, [this] { return stopping_ || pending_ != nullptr; });
        if (pending_ == nullptr) {
            return;
        }
        std::unique_ptr<Pending> current = std::move(pending_);
        if (stopping_) {
            current->promise.set_value(registry_.last_reload());
            continue;
        }
        lock.unlock();
        std::shared_ptr<const ReloadReport> report;
        try {
            report = reload(current->triggers);
        } catch (const std::exception& e) {
            auto failed = std::make_shared<ReloadReport>();
            failed->serial = ++serial_;
            failed->triggers = current->triggers;
            failed->started_at = std::chrono::system_clock::now();
            failed->directory_error =
                HostError{"plugin directory " + plugin_dir_,
                          std::string("reload failed: ") + e.what(), "see the daemon's log"};
            registry_.publish_report(failed);
            report = failed;
        }
        current->promise.set_value(report);
        lock.lock();
    }
}

std::shared_ptr<const ReloadReport> PluginReloader::reload(
    const std::vector<std::string>& triggers) {
    auto report = std::make_shared<ReloadReport>();
    report->serial = ++serial_;
    report->triggers = triggers;
    report->started_at = std::chrono::system_clock::now();
    const auto started = std::chrono::steady_clock::now();

    const std::shared_ptr<const PluginCatalog> before = registry_.catalog();
    const bool first = report->serial == 1;
    Result<PluginCatalog> scanned =
        PluginCatalog::scan(plugin_dir_, library_, first ? nullptr : before.get());
    report->duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::steady_clock::now() - started)
                              .count();
    if (!scanned.ok()) {
        // The directory itself is unusable: keep serving everything as it was.
        report->directory_error = scanned.error();
        registry_.publish_report(report);
        log_report(*report);
        return report;
    }
    auto after = std::make_shared<const PluginCatalog>(std::move(scanned.value()));
    report->files = compare_catalogs(first ? nullptr : before.get(), *after);
    registry_.publish(after, report);
    log_report(*report);
    return report;
}

void PluginReloader::observe_reports(std::function<void(const ReloadReport&)> observer) {
    std::lock_guard<std::mutex> lock(mutex_);
    observer_ = std::move(observer);
}

void PluginReloader::log_report(const ReloadReport& report) {
    if (observer_) {
        observer_(report);
    }
    std::string triggers;
    for (const std::string& trigger : report.triggers) {
        triggers += (triggers.empty() ? "" : ",") + trigger;
    }
    if (report.directory_error) {
        log_.line("reload " + std::to_string(report.serial) + " (" + triggers +
                  "): nothing changed: " + report.directory_error->text());
        return;
    }
    for (const PluginFileReport& file : report.files) {
        std::string line = "reload " + std::to_string(report.serial) + " (" + triggers +
                           "): " + action_name(file.action) + " " + file.file;
        if (file.serving) {
            line += " (" + file.serving->name + " " + file.serving->version + ", generation " +
                    std::to_string(file.serving->generation) + ")";
        }
        if (file.refusal) {
            line += ": " + file.refusal->text() +
                    (file.serving ? "; the previous generation keeps serving" : "");
        }
        log_.line(line);
    }
    if (report.files.empty()) {
        log_.line("reload " + std::to_string(report.serial) + " (" + triggers +
                  "): no plugins in " + plugin_dir_);
    }
}

}  // namespace taskhost
