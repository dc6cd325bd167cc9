// The ledger a config names, opened for what a command needs, its schema checked first.
//   kReadWrite  run, apply, serve: the schema must be current. An embedded SQLite ledger is
//               created (0600, WAL) in the state directory when missing, and migrated forward.
//   kReadOnly   plan, history: never creates or migrates; a missing SQLite file is an empty
//               ledger.
//   kMigrate    `taskhost ledger migrate`: creates or migrates the schema (PostgreSQL too), and
//               imports the journal files older versions wrote (STATE_DIR/journal/*.json).
// A SQLite file that is not a taskhost ledger (another program's database, a damaged file) is
// refused with a message and never written.
#pragma once

#include <memory>
#include <string>

#include "config/host_config.h"
#include "ledger/ledger.h"
#include "util/host_error.h"

namespace taskhost {

enum class LedgerAccess { kReadWrite, kReadOnly, kMigrate };

struct OpenedLedger {
    std::unique_ptr<Ledger> ledger;
    std::string report;  // kMigrate: what was done, for people
};

// `state_dir` overrides the config's (a --state-dir flag); empty: the config's.
Result<OpenedLedger> open_ledger(const HostConfig& config, const std::string& state_dir,
                                 LedgerAccess access);

// True when opening the ledger read-write would create nothing: a PostgreSQL ledger (whose schema
// only `taskhost ledger migrate` creates), or a SQLite file that is already there.
bool ledger_exists(const HostConfig& config, const std::string& state_dir);

}  // namespace taskhost
