// One JSON line per task the API was asked to run: who asked (uid and pid from SO_PEERCRED on
// the unix socket; the address on the TCP listener), which task and id, the job, how it ended,
// the HTTP status, how long it took, which plugin generation ran it. Never a secret: nothing
// from the request's params or the outcome's text is written here.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "daemon/daemon_log.h"
#include "daemon/log_file.h"
#include "daemon/peer_credentials.h"
#include "daemon/task_execution.h"
#include "util/host_error.h"

namespace taskhost {

struct AuditEntry {
    std::optional<PeerCredentials> peer;  // unix socket callers
    std::string peer_address;             // TCP callers
    std::string job;
    bool async = false;
    TaskFacts facts;
    std::string status;  // the outcome's status, or "rejected" / "busy"
    int http_status = 0;
    int64_t duration_ms = 0;
};

class AuditLog {
  public:
    // To `path` (appended, created 0600) when given, else to the daemon's log.
    static Result<std::unique_ptr<AuditLog>> open(const std::optional<std::string>& path,
                                                  DaemonLog& fallback);
    ~AuditLog();
    AuditLog(const AuditLog&) = delete;
    AuditLog& operator=(const AuditLog&) = delete;

    void record(const AuditEntry& entry);
    // SIGHUP, after logrotate moved the file away: later lines go to a new file at the path
    // (no copytruncate needed). On failure the old file keeps receiving them.
    Check reopen();

  private:
    AuditLog(std::unique_ptr<LogFile> file, DaemonLog& fallback)
        : file_(std::move(file)), fallback_(fallback) {}

    const std::unique_ptr<LogFile> file_;  // null: the daemon's log
    DaemonLog& fallback_;
};

// The entry as one JSON line (no newline).
std::string audit_line(const AuditEntry& entry);

}  // namespace taskhost
