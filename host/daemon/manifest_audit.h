// One audit entry for a task a manifest run applied: the manifest watch's ("watch") and a posted
// manifest's ("api", with the caller's identity).
#pragma once

#include <string>

#include "daemon/audit_log.h"
#include "manifest/manifest_result.h"

namespace taskhost {

AuditEntry manifest_audit_entry(const ManifestTaskResult& result, const std::string& job,
                                const std::string& source);

}  // namespace taskhost
