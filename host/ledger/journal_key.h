// What makes two resends "the same" for the journal: the account, the plugin task and the
// params, normalised so that writing them differently does not count as a change: object keys
// sorted, and string arrays whose params schema says "uniqueItems" (a set, like email_array)
// sorted and deduplicated, addresses ("format": "email") without case. The key is a SHA-256 of
// that, so it names a journal file without putting anything a user wrote into a file name.
#pragma once

#include <Poco/JSON/Object.h>

#include <string>

namespace taskhost {

// Canonical JSON of `params` (no whitespace, keys sorted, sets sorted). `params_schema` may be
// null (then no array is treated as a set).
std::string canonical_params(const Poco::JSON::Object::Ptr& params,
                             const Poco::JSON::Object::Ptr& params_schema);

// 64 hex digits: SHA-256 over account, task and canonical params.
std::string journal_key(const std::string& account, const std::string& task,
                        const std::string& canonical_params);

// The first 16 hex digits of SHA-256 over the canonical params: the history's "params_digest",
// enough to tell two sends' params apart without storing what the user wrote in every row.
std::string params_digest(const std::string& canonical_params);

}  // namespace taskhost
