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

// Stats `path` (following symlinks) and checks it is a trusted directory, and every directory
// above it (its real path's ancestors, as ssh and sudo check them): whoever can write an
// ancestor can swap the directory under us. An ancestor may be writable by others only when it
// is root's and sticky (/tmp: others cannot rename or remove what is not theirs).
Check check_trusted_directory(const std::string& path, const std::string& what);

// The ancestor rule alone, for the directories above `path` (which must exist).
Check check_trusted_ancestors(const std::string& path, const std::string& what);

}  // namespace taskhost
