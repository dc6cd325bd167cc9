// The probe verdict cache's directory (probe_verdict_cache.h says why it may be trusted): one
// file per pass, named by the SHA-256 of its key, holding a header line, the key, the SHA-256
// of the describe JSON and the JSON. Everything here fails closed: any doubt reads as "no entry".
#pragma once

#include <optional>
#include <string>

namespace taskhost {

// Creates `dir` (0700; its parent must exist) when missing; true when it is this user's own
// directory, not a symlink, writable by nobody else, below trusted directories.
bool prepare_verdict_dir(const std::string& dir);

// The JSON of the entry for `key`, if one is there and sound.
std::optional<std::string> read_verdict_file(const std::string& dir, const std::string& key);

// Writes the entry atomically (0600), then removes the oldest entries beyond `max_entries`.
void write_verdict_file(const std::string& dir, const std::string& key, const std::string& json,
                        size_t max_entries);

}  // namespace taskhost
