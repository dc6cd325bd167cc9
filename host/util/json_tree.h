// Poco's JSON values built straight from text that is already known to be well-formed JSON
// (find_json_syntax_error found nothing, its nesting within the caller's limit): the same
// values, types and key order Poco's parser with an order-keeping handler gives, in one
// recursive pass and without the parser's per-byte state machine and handler stack. Poco's
// parser was most of what a task's outcome cost the host to read (issue 12's profile: 8.5% of
// an apply's CPU).
// Numbers follow Poco's parser: a '.', 'e' or 'E' makes a double (Poco's parseFloat); else an
// Int64, or a UInt64 when it does not fit (the prescan refuses what fits neither). A key given
// twice keeps its first place and its last value, as Poco's order-keeping object does.
#pragma once

#include <Poco/Dynamic/Var.h>

#include <optional>
#include <string_view>

namespace taskhost {

// nullopt for what this builder leaves to Poco's parser, which treats it its own way: a \u escape
// of a lone surrogate (refused), a key with a \u0000 in it (Poco cuts the key there; a string
// value keeps it, as here), a number Poco's NumberParser refuses. The caller parses the text with
// Poco instead.
std::optional<Poco::Dynamic::Var> json_tree(std::string_view checked);

}  // namespace taskhost
