// Why a private copy cannot run: a plugin is dlopen'ed from its private copy (under $TMPDIR,
// default /tmp; see plugin_library.h), and a noexec mount there makes every load fail with the
// loader's "failed to map segment from shared object", which names neither the mount nor the
// fix. These checks name the directory, the mount it is on and how to choose another.
#pragma once

#include <string>

#include "util/host_error.h"

namespace taskhost {

// Refuses (before any probe or dlopen) when `private_dir` is on a noexec mount; `path` is the
// plugin file the error names.
Check check_private_dir_executable(const std::string& private_dir, const std::string& path);

// `error` is a refusal of loading `path` from `private_dir`. A loader error about mapping the
// copy ("failed to map segment ...") becomes the noexec refusal when the directory is noexec
// (now), else keeps its text with a hint at the private directory; any other error is kept.
HostError explain_map_failure(HostError error, const std::string& private_dir,
                              const std::string& path);

}  // namespace taskhost
