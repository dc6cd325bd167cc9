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
        return std::unique_ptr<AuditLog>(new AuditLog(nullptr, fallback));
    }
    Result<std::unique_ptr<LogFile>> file =
        LogFile::open(*path, {"daemon.audit_log", 0600,
                              "create its directory, or point \"audit_log\" somewhere writable"});
    if (!file.ok()) {
        return file.error();
    }
    return std::unique_ptr<AuditLog>(new AuditLog(std::move(file.value()), fallback));
}

Check AuditLog::reopen() {
    return file_ ? file_->reopen() : std::nullopt;
}

AuditLog::~AuditLog() = default;

void AuditLog::record(const AuditEntry& entry) {
    const std::string line = audit_line(entry);
    if (!file_) {
        fallback_.line("audit " + line);
    } else if (!file_->write_line(line)) {
        fallback_.line("audit log write failed (" + std::string(std::strerror(errno)) +
                       "): " + line);
    }
}

}  // namespace taskhost
