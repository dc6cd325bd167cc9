// Checks settings a user wrote (an account's connection settings, a task's params) against the
// JSON Schema a plugin describes for them, so that a mistake is refused with where, what and the
// fix before anything runs, and the host needs to know nothing of what the settings mean (after
// fluent-bit's config_map: the plugin declares, the core checks).
//
// The host checks a subset of JSON Schema 2020-12, the part that says what a user can get wrong:
// type, enum, minimum, maximum, minLength, maxLength, pattern, properties, required,
// additionalProperties: false, items, minItems, maxItems, and oneOf whose branches only say
// "required" (exactly one of several fields). Anything else is the plugin's to judge: it still
// validates the whole spec it is given. A string property with "format": "path" is made absolute
// against the directory of the file it was written in.
#pragma once

#include <Poco/JSON/Object.h>

#include <string>

#include "util/host_error.h"

namespace taskhost {

struct SettingsSource {
    std::string file;       // named in errors: "FILE: $.json.path"
    std::string json_path;  // where the settings object sits in the file, e.g. "$.accounts.prod"
    std::string base_dir;   // relative "format": "path" strings are taken from here ("": kept)
    // How an unknown property is refused: "FILE: PATH.name: UNKNOWN_PROBLEM; fix: remove it or
    // correct its spelling (KNOWN_LABEL: a, b and c)".
    std::string unknown_problem = "is not a known field";
    std::string known_label = "known here";
};

// A copy of `settings` with paths made absolute, or the first problem found. A null `schema`
// checks nothing (the plugin describes none) and returns the copy.
Result<Poco::JSON::Object::Ptr> check_settings(const Poco::JSON::Object::Ptr& settings,
                                               const Poco::JSON::Object::Ptr& schema,
                                               const SettingsSource& source);

// The JSON Schema "type" of one property of an object schema, or "" when it does not say.
std::string property_type(const Poco::JSON::Object::Ptr& schema, const std::string& property);

}  // namespace taskhost
