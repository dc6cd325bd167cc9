// Whether a file or directory may hold code this process runs: only if nobody but this user
// (or root) could have put it there. Otherwise anyone who can write it can run code as us.
#pragma once

#include <sys/stat.h>

#include <string>

#include "util/host_error.h"

namespace taskhost {

// Refuses an owner other than this user or root, and group/other write permission. `what` is
// "plugin file" or "plugin directory"; the error says which rule and the command that fixes it.
Check check_trusted_code_path(const struct stat& st, const std::string& path,
                              const std::string& what);

// Stats `path` (following symlinks) and checks it is a trusted directory.
Check check_trusted_directory(const std::string& path, const std::string& what);

}  // namespace taskhost
