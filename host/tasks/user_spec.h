// A task spec a user writes (--spec FILE, or - for stdin): which task, its params, which
// account. Never a key or a connection: those come from the host's accounts only.
#pragma once

#include <Poco/JSON/Object.h>

#include <chrono>
#include <iosfwd>
#include <optional>
#include <string>

#include "util/host_error.h"
#include "util/json_fields.h"

namespace taskhost {

constexpr size_t kMaxUserSpecBytes = 1024 * 1024;
constexpr size_t kMaxUserSpecDepth = 32;

struct UserSpec {
    std::optional<std::string> task;
    std::optional<std::string> id;
    std::optional<bool> dry_run;
    std::optional<std::string> account;
    // "24h": a task sent within this long is answered "skipped" (within_interval), not sent.
    std::optional<std::chrono::seconds> resend_interval;
    std::optional<bool> force;       // send whatever the ledger's journal says
    Poco::JSON::Object::Ptr params;  // never null; empty when the spec has none
};

// Reads the spec text from `source` ("-" = `in`), at most 1 MiB.
Result<std::string> read_user_spec_text(const std::string& source, std::istream& in);

// Parses and checks a user spec; `source` names it in errors. Refuses unknown fields,
// "connection", and an "api_key" (any spelling of it) anywhere in the document.
// How a spec's fields are read (a spec file, stdin, or the daemon's request body alike): every
// field is optional, but one that is given says something.
JsonFieldRules user_spec_field_rules();

Result<UserSpec> parse_user_spec(const std::string& text, const std::string& source);

// The characters allowed in a caller-chosen id; shared with --id.
bool is_valid_task_id(const std::string& id);

}  // namespace taskhost
