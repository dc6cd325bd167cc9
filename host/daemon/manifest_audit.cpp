#include "daemon/manifest_audit.h"

namespace taskhost {

AuditEntry manifest_audit_entry(const ManifestTaskResult& result, const std::string& job,
                                const std::string& source) {
    AuditEntry entry;
    entry.job = job;
    entry.facts.task = result.task;
    entry.facts.id = result.manifest + ": " + result.name;
    entry.facts.account = result.account;
    entry.facts.source = source;
    entry.facts.subject = result.subject;
    entry.status = result.status;
    entry.http_status = 0;
    return entry;
}

}  // namespace taskhost
