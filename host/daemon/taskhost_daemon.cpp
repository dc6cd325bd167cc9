#include "daemon/taskhost_daemon.h"

#include <sys/resource.h>

#include <algorithm>
#include <thread>

#include "config/account_key.h"
#include "daemon/manifest_audit.h"
#include "daemon/systemd_service.h"
#include "daemon/task_routes.h"
#include "ledger/open_ledger.h"
#include "plugins/plugin_probe.h"
#include "tasks/task_submission.h"

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

// Descriptors kept for everything but connections: plugins, the ledger, logs, watches.
constexpr rlim_t kReservedFiles = 256;

// Raises the soft open-file limit toward the hard one; the soft limit after that.
rlim_t raise_open_file_limit() {
    struct rlimit limit {};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
        return 1024;
    }
    if (limit.rlim_cur < limit.rlim_max) {
        struct rlimit raised = limit;
        raised.rlim_cur = limit.rlim_max == RLIM_INFINITY ? 1 << 20 : limit.rlim_max;
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) {
            return raised.rlim_cur;
        }
    }
    return limit.rlim_cur;
}

// What each listener's front may hold: daemon.max_connections, within the open-file limit.
HttpFrontSettings front_settings(const DaemonSettings& settings, int listeners, DaemonLog& log) {
    HttpFrontSettings front;
    const rlim_t files = raise_open_file_limit();
    const rlim_t room = files > kReservedFiles * 2 ? (files - kReservedFiles) / listeners : 16;
    front.max_connections = static_cast<size_t>(settings.max_connections);
    if (room < front.max_connections) {
        front.max_connections = std::max<size_t>(16, static_cast<size_t>(room));
        log.line("daemon.max_connections " + std::to_string(settings.max_connections) +
                 " is more than the open-file limit (" + std::to_string(files) +
                 ") allows: each listener holds at most " + std::to_string(front.max_connections) +
                 " (raise ulimit -n)");
    }
    front.head_timeout = std::chrono::milliseconds(settings.head_timeout_ms);
    front.body_timeout = std::chrono::milliseconds(settings.body_timeout_ms);
    front.keep_alive_timeout = std::chrono::milliseconds(settings.keep_alive_timeout_ms);
    front.max_body_kept = kMaxTaskBodyBytes;
    front.max_body_read = kMaxDiscardedBodyBytes;
    // Health has its own threads; the other quick routes theirs; a caller waiting for its task
    // holds a thread of the waiting lane, of which there is one per running or queued task
    // (beyond that a task is refused 503 at once) and a few for those refusals.
    front.lane_threads[static_cast<int>(HttpLane::kHealth)] = 2;
    front.lane_threads[static_cast<int>(HttpLane::kQuick)] = 4;
    front.lane_threads[static_cast<int>(HttpLane::kWaiting)] =
        std::min(settings.max_concurrency + settings.max_queue + 8, 1024);
    return front;
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

PluginProbeOptions probe_options(const DaemonSettings& settings) {
    PluginProbeOptions options;
    options.timeout = std::chrono::milliseconds(settings.plugin_probe_timeout_ms);
    return options;
}

}  // namespace

TaskhostDaemon::TaskhostDaemon(HostConfig config, DaemonLog& log, std::unique_ptr<AuditLog> audit,
                               std::unique_ptr<Ledger> ledger)
    : config_(std::move(config)),
      log_(log),
      audit_(std::move(audit)),
      ledger_(std::move(ledger)),
      board_(static_cast<size_t>(config_.daemon.keep_finished_tasks)),
      reloader_(config_.plugin_dir, registry_, log_, probe_options(config_.daemon)) {
    pacer_.share_with(ledger_->budget());
    reloader_.observe_reports(
        [this](const ReloadReport& report) { metrics_.reload_reported(report); });
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
                                                                metrics_,
                                                                nullptr,
                                                                nullptr,
                                                                Clock::now(),
                                                                {false},
                                                                {0},
                                                                {0},
                                                                CancelToken(),
                                                                CancelToken()});
}

// The manifest watch's sends go to the audit log like API tasks (source "watch"); plans do not.
void TaskhostDaemon::audit_watched(const ManifestTaskResult& result) {
    const AuditEntry entry = manifest_audit_entry(result, "watch", "watch");
    audit_->record(entry);
    metrics_.task_recorded(entry);
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
    daemon->context_->start_report = first;
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
        watch.on_answer = metrics_.answer_sink();
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
    Result<Poco::Net::ServerSocket> unix_socket = open_unix_socket();
    if (!unix_socket.ok()) {
        return unix_socket.error();
    }
    return serve(unix_socket.value(), tcp_socket, token);
}

// The socket systemd passed (its file is systemd's: never unlinked here), else our own.
Result<Poco::Net::ServerSocket> TaskhostDaemon::open_unix_socket() {
    Result<std::optional<Poco::Net::ServerSocket>> passed = take_activated_socket();
    if (!passed.ok()) {
        return passed.error();
    }
    if (passed.value()) {
        const std::string path = bound_unix_path(*passed.value());
        socket_path_ = path.empty() ? "(passed by systemd)" : path;
        log_.line("listening on the socket systemd passed: " + socket_path_);
        return *passed.value();
    }
    const DaemonSettings& settings = config_.daemon;
    Result<Poco::Net::ServerSocket> own = listen_on_unix_socket(settings.socket, settings.group);
    if (!own.ok()) {
        return own.error();
    }
    socket_file_ = std::make_unique<SocketFileCleanup>(settings.socket);
    socket_path_ = settings.socket;
    return own.value();
}

Check TaskhostDaemon::serve(Poco::Net::ServerSocket unix_socket,
                            std::optional<Poco::Net::ServerSocket> tcp_socket,
                            std::optional<std::string> token) {
    HttpFrontSettings settings = front_settings(config_.daemon, tcp_socket ? 2 : 1, log_);
    settings.name = "socket " + socket_path_;
    unix_api_ = std::make_unique<DaemonApi>(*context_, std::nullopt);
    Result<std::unique_ptr<HttpFront>> unix_front =
        HttpFront::start(std::move(unix_socket), *unix_api_, settings, log_);
    if (!unix_front.ok()) {
        return unix_front.error();
    }
    unix_front_ = std::move(unix_front.value());
    if (tcp_socket) {
        const uint16_t port = config_.daemon.tcp->port;
        settings.name = "tcp 127.0.0.1:" + std::to_string(port);
        settings.unix_socket = false;
        tcp_api_ = std::make_unique<DaemonApi>(*context_, std::move(token));
        Result<std::unique_ptr<HttpFront>> tcp_front =
            HttpFront::start(std::move(*tcp_socket), *tcp_api_, settings, log_);
        if (!tcp_front.ok()) {
            return tcp_front.error();
        }
        tcp_front_ = std::move(tcp_front.value());
        log_.line("also serving on 127.0.0.1:" + std::to_string(port) + " (bearer token required)");
    }
    return std::nullopt;
}

// Every request at a worker answered and every answer written, or `deadline` passed.
bool TaskhostDaemon::answers_written(Clock::time_point deadline) const {
    for (;;) {
        const bool quiet = context_->active_requests.load() == 0 &&
                           (!unix_front_ || unix_front_->quiet()) &&
                           (!tcp_front_ || tcp_front_->quiet());
        if (quiet || Clock::now() >= deadline) {
            return quiet;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

bool TaskhostDaemon::work_ended(Clock::time_point deadline) const {
    if (!queue_->wait_idle(deadline)) {
        return false;
    }
    while (context_->posted_runs.load() > 0) {
        if (Clock::now() >= deadline) {
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
}

void TaskhostDaemon::reload_in_background(const std::string& trigger) {
    // The reloader logs each result itself; nobody waits for this future.
    reloader_.request(trigger);
}

std::shared_future<std::shared_ptr<const ReloadReport>> TaskhostDaemon::reload(
    const std::string& trigger) {
    return reloader_.request(trigger);
}

void TaskhostDaemon::reopen_logs() {
    if (Check bad = log_.reopen()) {
        log_.line("the log file was not reopened (lines still go to the old file): " + bad->text());
    }
    if (Check bad = audit_->reopen()) {
        log_.line("the audit log was not reopened (lines still go to the old file): " +
                  bad->text());
    }
}

std::string TaskhostDaemon::service_status() const {
    const auto catalog = registry_.catalog();
    const size_t in_flight = queue_ ? queue_->running() + queue_->queued() : 0;
    return "serving: " + std::to_string(catalog->plugins().size()) + " plugins, " +
           std::to_string(in_flight) + " tasks in flight";
}

bool TaskhostDaemon::shutdown() {
    if (shut_down_) {
        return true;
    }
    shut_down_ = true;
    context_->draining = true;
    context_->drain_begun.cancel();  // a posted manifest starts no more tasks
    // Stop accepting: no new connection, and the socket file goes at once so clients fail
    // fast instead of waiting on a daemon that is leaving.
    if (unix_front_) {
        unix_front_->stop_accepting();
    }
    if (tcp_front_) {
        tcp_front_->stop_accepting();
    }
    if (socket_file_) {
        socket_file_->remove_now();
    }
    watch_.reset();
    // No reload starts any more, and a probe under way is killed now rather than at its limit.
    reloader_.stop();
    queue_->close();

    const auto drain = std::chrono::milliseconds(config_.daemon.drain_timeout_ms);
    bool all_ended = true;
    if (!work_ended(Clock::now() + drain)) {
        log_.line("drain: " + std::to_string(queue_->running()) + " running and " +
                  std::to_string(queue_->queued()) + " queued tasks and " +
                  std::to_string(context_->posted_runs.load()) + " posted manifests after " +
                  std::to_string(drain.count()) + " ms; cancelling them");
        board_.cancel_unfinished();
        context_->drain_expired.cancel();  // the posted manifests' tasks under way
        pacer_.stop();                     // a task waiting for a pacing turn gives up now
        if (!work_ended(Clock::now() + kCancelGrace)) {
            log_.line("drain: tasks still running " + std::to_string(kCancelGrace.count()) +
                      " s after being cancelled; leaving without them");
            all_ended = false;
        }
    }
    // Answers computed: give the fronts a moment to write them.
    answers_written(Clock::now() + kAnswerGrace);
    if (all_ended) {
        if (unix_front_) {
            unix_front_->stop();
        }
        if (tcp_front_) {
            tcp_front_->stop();
        }
        queue_.reset();
        // No request handler is left to read it: a manifest apply still running is cancelled
        // (its journal keeps what was sent).
        context_->manifests = nullptr;
        manifests_.reset();
    }
    if (!all_ended) {
        // Workers still wait for tasks stuck in a plugin; they use the fronts and the APIs,
        // so those are left to the process's exit (serve_command leaves at once).
        (void)unix_front_.release();
        (void)tcp_front_.release();
        (void)unix_api_.release();
        (void)tcp_api_.release();
    }
    return all_ended;
}

TaskhostDaemon::~TaskhostDaemon() {
    shutdown();
}

}  // namespace taskhost
