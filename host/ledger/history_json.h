// The history as callers read it: `taskhost history` (a table for people, JSON lines with
// --json) and GET /v1/history ({"history": [...]}), one shape for both.
#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "ledger/ledger_records.h"
#include "util/host_error.h"

namespace taskhost {

constexpr size_t kMaxHistoryLimit = 100000;

Poco::JSON::Object::Ptr history_json(const HistoryRecord& record);
Poco::JSON::Array::Ptr history_json(const std::vector<HistoryRecord>& records);

// One line per row, newest first: time, status, source, account, subject, task, who, msg.
void print_history_table(const std::vector<HistoryRecord>& records, std::ostream& out);

// "--since" as written: a duration back from now ("7d", "12h", "90m") or a time
// ("2026-11-01T00:00:00.000Z"). `where` names it in the error.
Result<WallClock::time_point> parse_since(const std::string& text, const std::string& where,
                                          WallClock::time_point now);

}  // namespace taskhost
