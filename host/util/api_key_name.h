// "api_key", "apiKey", "API-KEY"...: one secret under many spellings. A document a user writes
// (a task spec, a manifest) is refused when any of its keys, at any depth, looks like one: keys
// come from the host's accounts only.
#pragma once

#include <Poco/Dynamic/Var.h>

#include <optional>
#include <string>

namespace taskhost {

// Whether a JSON key names an API key, in any letter case, with or without '_' and '-'.
bool looks_like_api_key(const std::string& key);

// The JSON path of the first key in `value` (depth first, in the document's order) that looks
// like an API key; `json_path` is where `value` sits.
std::optional<std::string> find_api_key(const Poco::Dynamic::Var& value,
                                        const std::string& json_path = "$");

}  // namespace taskhost
