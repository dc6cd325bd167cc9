// How a listing task's items are shown as a table (`taskhost run` on a terminal): the columns a
// task's describe may name in "item_columns", each a title and a dotted path into an item:
//   "item_columns": [{"title": "DOMAIN", "key": "name"},
//                    {"title": "OV", "key": "validations.ov.status"}]
#pragma once

#include <Poco/Dynamic/Var.h>

#include <cstddef>
#include <string>
#include <vector>

namespace taskhost {

constexpr size_t kMaxItemColumns = 32;
constexpr size_t kMaxItemColumnTitleChars = 32;
constexpr size_t kMaxItemColumnKeyChars = 128;

struct ItemColumn {
    std::string title;  // printable, 1 to kMaxItemColumnTitleChars
    std::string key;    // "validations.ov.status": member names, '.' between
};

// Reads "item_columns" of the task at `path` ("$.tasks[0]") of a describe; throws
// HostErrorException (util/host_error.h) with `where` and a problem naming the field.
std::vector<ItemColumn> read_item_columns(const Poco::Dynamic::Var& value, const std::string& where,
                                          const std::string& path);

}  // namespace taskhost
