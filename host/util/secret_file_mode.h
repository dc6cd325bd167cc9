// The one rule for a file that holds a secret (an API key, the daemon's token, a ledger
// password): mode exactly 0600 or 0400, as the README says. Group or other bits let others read
// or change it; an execute, setuid, setgid or sticky bit means it is not a plain secret file
// (0700 and 4600 passed an older check that looked at group and other bits only).
#pragma once

#include <sys/stat.h>

#include <string>

#include "util/host_error.h"

namespace taskhost {

bool secret_file_mode_ok(mode_t mode);

// A refusal naming the mode and `chmod 600 PATH`, or nothing.
Check check_secret_file_mode(const struct stat& st, const std::string& where,
                             const std::string& path);

}  // namespace taskhost
