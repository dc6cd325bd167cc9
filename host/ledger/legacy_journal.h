// The journal files taskhost wrote before the ledger (STATE_DIR/journal/KEY.json, one per task),
// read once by `taskhost ledger migrate` (and when an embedded ledger is first created) so that
// an upgrade forgets no send. The files are left where they are.
#pragma once

#include <string>
#include <vector>

#include "ledger/ledger_records.h"
#include "util/host_error.h"

namespace taskhost {

struct LegacyJournal {
    std::vector<JournalEntry> entries;
    std::vector<HostError> damaged;  // files that could not be read: reported, not imported
};

// An absent directory is an empty journal.
LegacyJournal read_legacy_journal(const std::string& dir);

}  // namespace taskhost
