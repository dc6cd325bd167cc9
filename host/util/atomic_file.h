// Writing a small file so that after a crash or kill -9 at any moment it holds either the old
// content or the new, never a mix: write a temp file in the same directory, fsync it, rename it
// over the target (atomic on POSIX), then fsync the directory so the rename itself survives a
// power cut.
#pragma once

#include <string>

#include "util/host_error.h"

namespace taskhost {

// `dir` must exist. The temp file is "." + name + ".tmp-PID-N" (hidden, and never read as an
// entry); mode 0600.
Check write_file_atomically(const std::string& dir, const std::string& name,
                            const std::string& content);

// Temp files left by a writer that was killed between create and rename.
void remove_stale_temp_files(const std::string& dir);

}  // namespace taskhost
