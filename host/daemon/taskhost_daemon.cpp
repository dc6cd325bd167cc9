#include "daemon/taskhost_daemon.h"

#include <Poco/Net/HTTPServerParams.h>

#include <algorithm>
#include <thread>

#include "config/account_key.h"
#include "ledger/open_ledger.h"

namespace taskhost {
namespace {

using Clock = std::chrono::steady_clock;

// Debounce for the plugin directory watch: a rename install or a few files copied together
// become one reload.
constexpr std::chrono::milliseconds kWatchSettle{100};
// After the drain deadline, how long cancelled tasks get to end before the daemon gives up on
// them (a plugin that ignores host->cancelled).
constexpr std::chrono::seconds kCancelGrace{10};
// How long answers already computed get to reach their callers after the tasks are done.
constexpr std::chrono::seconds kAnswerGrace{5};

Poco::Net::HTTPServerParams::Ptr server_params(const DaemonSettings& settings) {
    Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
    // A connection thread per waiting caller, plus room to answer 503, health and reloads
    // while every task slot is taken.
    params->setMaxThreads(std::min(settings.max_concurrency + settings.max_queue + 8, 512));
    params->setMaxQueued(256);
    params->setKeepAlive(true);
    params->setKeepAliveTimeout(Poco::Timespan(5, 0));
    params->setMaxKeepAliveRequests(1000);
    params->setTimeout(Poco::Timespan(60, 0));  // reading one request
    return params;
}

Result<std::string> read_token(const TcpListenerSettings& tcp) {
    AccountConfig source;
    source.name = "daemon.tcp";
    source.key_source = KeySource::kFile;
    source.key_file = tcp.token_file;
    Result<ApiKey> token = resolve_account_key(source);
    if (!token.ok()) {
        HostError error = token.error();
        error.where = "daemon.tcp.token_file " + tcp.token_file;
        return error;
    }
    return token.value().reveal();
}

}  // namespace

TaskhostDaemon::TaskhostDaemon(HostConfig config, DaemonLog& log, std::unique_ptr<AuditLog> audit,
                               std::unique_ptr<Ledger> ledger)
    : config_(std::move(config)),
      log_(log),
      audit_(std::move(audit)),
      ledger_(std::move(ledger)),
      board_(static_cast<size_t>(config_.daemon.keep_finished_tasks)),
      reloader_(config_.plugin_dir, registry_, log_) {
    pacer_.share_with(ledger_->budget());
    queue_ = std::make_unique<TaskQueue>(config_.daemon.max_concurrency, config_.daemon.max_queue);
    context_ = std::unique_ptr<DaemonContext>(new DaemonContext{config_,
                                                                registry_,
                                                                reloader_,
                                                                *queue_,
                                                                board_,
                                                                *audit_,
                                                                log_,
                                                                pacer_,
                                                                *ledger_,
                                                                nullptr,
                                                                Clock::now(),
                                                                {false},
                                                                {0}});
}

// The manifest watch's sends go to the audit log like API tasks (source "watch"); plans do not.
void TaskhostDaemon::audit_watched(const ManifestTaskResult& result) {
    AuditEntry entry;
    entry.job = "watch";
    entry.facts.task = result.task;
    entry.facts.id = result.manifest + ": " + result.name;
    entry.facts.account = result.account;
    entry.facts.source = "watch";
    entry.facts.subject = result.subject;
    entry.status = result.status;
    entry.http_status = 0;
    audit_->record(entry);
}

Result<std::unique_ptr<TaskhostDaemon>> TaskhostDaemon::start(HostConfig config, DaemonLog& log) {
    Result<std::unique_ptr<AuditLog>> audit = AuditLog::open(config.daemon.audit_log, log);
    if (!audit.ok()) {
        return audit.error();
    }
    Result<OpenedLedger> ledger = open_ledger(config, "", LedgerAccess::kReadWrite);
    if (!ledger.ok()) {
        return ledger.error();
    }
    std::unique_ptr<TaskhostDaemon> daemon(new TaskhostDaemon(
        std::move(config), log, std::move(audit.value()), std::move(ledger.value().ledger)));
    // The first load: refused plugins are reported, an unusable directory stops the start.
    const std::shared_ptr<const ReloadReport> first = daemon->reloader_.request("start").get();
    if (first->directory_error) {
        daemon->shut_down_ = true;
        return *first->directory_error;
    }
    if (Check bad = daemon->listen()) {
        daemon->shutdown();
        return *bad;
    }
    return daemon;
}

Check TaskhostDaemon::listen() {
    const DaemonSettings& settings = config_.daemon;
    if (settings.watch_plugin_dir) {
        PluginReloader* reloader = &reloader_;
        Result<std::unique_ptr<PluginDirWatch>> watch = PluginDirWatch::start(
            config_.plugin_dir, kWatchSettle, [reloader] { reloader->request("watch"); });
        if (!watch.ok()) {
            return watch.error();
        }
        watch_ = std::move(watch.value());
    }
    if (settings.manifests_dir) {
        ManifestWatchSettings watch;
        watch.directory = *settings.manifests_dir;
        PluginRegistry* registry = &registry_;
        watch.on_applied = [this](const ManifestTaskResult& result) { audit_watched(result); };
        manifests_ = std::make_unique<ManifestWatch>(
            config_, [registry] { return registry->catalog(); }, pacer_, *ledger_, watch);
        if (Check bad = manifests_->start()) {
            return *bad;
        }
        context_->manifests = manifests_.get();
    }
    std::optional<std::string> token;
    std::optional<Poco::Net::ServerSocket> tcp_socket;
    if (settings.tcp) {
        Result<std::string> read = read_token(*settings.tcp);
        if (!read.ok()) {
            return read.error();
        }
        token = read.value();
        Result<Poco::Net::ServerSocket> bound = listen_on_loopback(settings.tcp->port);
        if (!bound.ok()) {
            return bound.error();
        }
        tcp_socket = bound.value();
    }
    Result<Poco::Net::ServerSocket> unix_socket =
        listen_on_unix_socket(settings.socket, settings.group);
    if (!unix_socket.ok()) {
        return unix_socket.error();
    }
    socket_file_ = std::make_unique<SocketFileCleanup>(settings.socket);
    const Poco::Net::HTTPServerParams::Ptr params = server_params(settings);
    const int threads = params->getMaxThreads() * (tcp_socket ? 2 : 1);
    pool_ = std::make_unique<Poco::ThreadPool>(2, threads, 60);
    unix_server_ = std::make_unique<Poco::Net::HTTPServer>(new DaemonApi(*context_, std::nullopt),
                                                           *pool_, unix_socket.value(), params);
    unix_server_->start();
    if (tcp_socket) {
        tcp_server_ = std::make_unique<Poco::Net::HTTPServer>(new DaemonApi(*context_, token),
                                                              *pool_, *tcp_socket, params);
        tcp_server_->start();
        log_.line("also serving on 127.0.0.1:" + std::to_string(settings.tcp->port) +
                  " (bearer token required)");
    }
    return std::nullopt;
}

void TaskhostDaemon::reload_in_background(const std::string& trigger) {
    // The reloader logs each result itself; nobody waits for this future.
    reloader_.request(trigger);
}

bool TaskhostDaemon::shutdown() {
    if (shut_down_) {
        return true;
    }
    shut_down_ = true;
    context_->draining = true;
    // Stop accepting: no new connection, and the socket file goes at once so clients fail
    // fast instead of waiting on a daemon that is leaving.
    if (unix_server_) {
        unix_server_->stop();
    }
    if (tcp_server_) {
        tcp_server_->stop();
    }
    if (socket_file_) {
        socket_file_->remove_now();
    }
    watch_.reset();
    queue_->close();

    const auto drain = std::chrono::milliseconds(config_.daemon.drain_timeout_ms);
    bool all_ended = true;
    if (!queue_->wait_idle(Clock::now() + drain)) {
        log_.line("drain: " + std::to_string(queue_->running()) + " running and " +
                  std::to_string(queue_->queued()) + " queued tasks after " +
                  std::to_string(drain.count()) + " ms; cancelling them");
        board_.cancel_unfinished();
        pacer_.stop();  // a task waiting for a pacing turn gives up now
        if (!queue_->wait_idle(Clock::now() + kCancelGrace)) {
            log_.line("drain: tasks still running " + std::to_string(kCancelGrace.count()) +
                      " s after being cancelled; leaving without them");
            all_ended = false;
        }
    }
    // Answers computed: give the connection threads a moment to write them.
    const auto answer_deadline = Clock::now() + kAnswerGrace;
    while (context_->active_requests.load() > 0 && Clock::now() < answer_deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (all_ended) {
        if (unix_server_) {
            unix_server_->stopAll(true);
        }
        if (tcp_server_) {
            tcp_server_->stopAll(true);
        }
        if (pool_) {
            pool_->joinAll();
        }
        queue_.reset();
        // No request handler is left to read it: a manifest apply still running is cancelled
        // (its journal keeps what was sent).
        context_->manifests = nullptr;
        manifests_.reset();
    }
    reloader_.stop();
    return all_ended;
}

TaskhostDaemon::~TaskhostDaemon() {
    shutdown();
}

}  // namespace taskhost
