// Poco's PostgreSQL connector, loaded on first use of a PostgreSQL ledger from the module
// ledger-postgresql.so (host/postgresql/), so that a process on a SQLite ledger never maps libpq
// and the libraries it brings. The module is looked up in <taskhost's directory>/../lib/taskhost/
// (/usr/lib/taskhost/ when installed; build/lib/taskhost/ in a build tree) and must pass the
// same trust checks as a plugin: owned by this user or root, not writable by others.
#pragma once

#include "util/host_error.h"

namespace taskhost {

// Registers the "PostgreSQL" connector with Poco::Data once per process. An error names the
// module's path, why it could not be loaded and the fix.
Check load_postgresql_connector();

}  // namespace taskhost
