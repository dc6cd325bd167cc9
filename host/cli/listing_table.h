// How `taskhost run` shows a listing to a person: a read-only task's outcome may hold "items"
// (objects) and a "summary" object; on a terminal (or with --format table) they print as a
// table, the summary as "name: value" lines, then the msg. Everything else prints as JSON.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstddef>
#include <string>
#include <vector>

#include "plugins/item_columns.h"

namespace taskhost {

constexpr size_t kMaxCellChars = 60;  // a longer cell is cut, ending in "…"

// Whether `outcome` holds a listing: "items", an array.
bool has_items(const Poco::JSON::Object::Ptr& outcome);

// The table, summary lines and msg of a listing outcome. `columns` as the task describes them;
// empty: every scalar member of the first item except "params", titled by its name in capitals.
std::string listing_table(const Poco::JSON::Object::Ptr& outcome,
                          const std::vector<ItemColumn>& columns);

// What `taskhost run` prints (without the final newline): the listing table when `as_table`
// and the outcome has items, else `json` as given.
std::string outcome_text(const Poco::JSON::Object::Ptr& outcome, const std::string& json,
                         const std::vector<ItemColumn>& columns, bool as_table);

// One table cell: strings with control characters and broken UTF-8 replaced, numbers and
// booleans as JSON writes them, null or missing as "-", objects and arrays as compact JSON;
// at most `max_chars` characters.
std::string cell_text(const Poco::Dynamic::Var& value, size_t max_chars = kMaxCellChars);

}  // namespace taskhost
