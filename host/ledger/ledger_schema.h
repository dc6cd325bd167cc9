// The ledger's tables, versioned. A database holds a taskhost ledger when its taskhost_meta
// table says so; anything else with tables in it is foreign and never written. Migrations run
// forward only, by `taskhost ledger migrate` (and for an embedded SQLite file, when it is opened
// by the first process that needs it); every process checks the version when it starts.
//
//   taskhost_meta          format ("taskhost-ledger") and schema_version
//   taskhost_journal       one row per task identity: the last send, a live intent, its owner
//   taskhost_history       one row per send or refusal to send
//   taskhost_pacing_bucket a bucket's 429 hold
//   taskhost_pacing_turn   a bucket's turns: granted, answered (0: pending), expiry
#pragma once

#include <Poco/Data/Session.h>

#include <optional>
#include <string>

#include "ledger/sql_dialect.h"

namespace taskhost {

constexpr int kLedgerSchemaVersion = 1;
constexpr const char* kLedgerFormat = "taskhost-ledger";

struct SchemaState {
    enum class Kind { kEmpty, kLedger, kForeign } kind = Kind::kEmpty;
    int version = 0;     // kLedger
    std::string detail;  // kForeign: what was found
};

// Reads what the database holds. Throws Poco exceptions on database errors.
SchemaState read_schema_state(Poco::Data::Session& session, const SqlDialect& dialect);

// Creates the tables (kEmpty) or runs the migrations from `from` up to kLedgerSchemaVersion, in
// one transaction. Throws on database errors.
void migrate_schema(Poco::Data::Session& session, const SqlDialect& dialect, int from);

}  // namespace taskhost
