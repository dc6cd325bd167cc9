#include "daemon/audit_log.h"

#include <Poco/JSON/Object.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "daemon/reload_report.h"
#include "util/bounded_json.h"

namespace taskhost {
namespace {

Result<int> open_audit_file(const std::string& path) {
    const int fd =
        ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        const int err = errno;
        return HostError{"daemon.audit_log " + path,
                         std::string("cannot be opened: ") + std::strerror(err),
                         "create its directory, or point \"audit_log\" somewhere writable"};
    }
    return fd;
}

}  // namespace

std::string audit_line(const AuditEntry& entry) {
    Poco::JSON::Object::Ptr line = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    line->set("event", "task");
    line->set("at", iso_time(std::chrono::system_clock::now()));
    if (entry.peer) {
        line->set("uid", static_cast<int64_t>(entry.peer->uid));
        line->set("pid", static_cast<int64_t>(entry.peer->pid));
    } else {
        line->set("uid", Poco::Dynamic::Var());
        line->set("pid", Poco::Dynamic::Var());
    }
    if (!entry.peer_address.empty()) {
        line->set("peer", entry.peer_address);
    }
    // Task names and ids come from the caller: bounded and printable, so a line stays a line.
    line->set("task", printable(entry.facts.task, 128));
    line->set("id", printable(entry.facts.id, 128));
    line->set("source", entry.facts.source);
    if (!entry.facts.account.empty()) {
        line->set("account", printable(entry.facts.account, 128));
    }
    if (!entry.facts.subject.empty()) {
        line->set("subject", printable(entry.facts.subject, 256));
    }
    line->set("job", entry.job);
    line->set("async", entry.async);
    line->set("status", entry.status);
    line->set("http_status", entry.http_status);
    line->set("duration_ms", entry.duration_ms);
    if (!entry.facts.plugin.empty()) {
        line->set("plugin", entry.facts.plugin);
        line->set("plugin_version", entry.facts.plugin_version);
        line->set("generation", entry.facts.generation);
    }
    if (!entry.facts.error_kind.empty()) {
        line->set("error_kind", entry.facts.error_kind);
    }
    return to_json(line);
}

Result<std::unique_ptr<AuditLog>> AuditLog::open(const std::optional<std::string>& path,
                                                 DaemonLog& fallback) {
    if (!path) {
        return std::unique_ptr<AuditLog>(new AuditLog(-1, std::nullopt, fallback));
    }
    Result<int> fd = open_audit_file(*path);
    if (!fd.ok()) {
        return fd.error();
    }
    return std::unique_ptr<AuditLog>(new AuditLog(fd.value(), path, fallback));
}

Check AuditLog::reopen() {
    if (!path_) {
        return std::nullopt;
    }
    Result<int> fd = open_audit_file(*path_);
    if (!fd.ok()) {
        return fd.error();
    }
    std::lock_guard<std::mutex> lock(mutex_);
    ::close(fd_);
    fd_ = fd.value();
    return std::nullopt;
}

AuditLog::~AuditLog() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

void AuditLog::record(const AuditEntry& entry) {
    const std::string line = audit_line(entry);
    if (!path_) {
        fallback_.line("audit " + line);
        return;
    }
    const std::string text = line + "\n";
    std::lock_guard<std::mutex> lock(mutex_);
    // O_APPEND and one write per line: lines from concurrent tasks never mix.
    size_t done = 0;
    while (done < text.size()) {
        const ssize_t wrote = ::write(fd_, text.data() + done, text.size() - done);
        if (wrote < 0 && errno == EINTR) {
            continue;
        }
        if (wrote <= 0) {
            fallback_.line("audit log write failed (" + std::string(std::strerror(errno)) +
                           "): " + line);
            return;
        }
        done += static_cast<size_t>(wrote);
    }
}

}  // namespace taskhost
