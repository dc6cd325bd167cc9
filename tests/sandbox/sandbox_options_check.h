// SandboxOptions checked before anything starts, so a bad option is one clear error naming the
// field and the fix instead of a confusing failure later.
#pragma once

#include "sandbox_server.h"

namespace sandbox {

// Throws std::invalid_argument("SandboxOptions.<field>: <problem>; <fix>").
void check_options(const SandboxOptions& options);

}  // namespace sandbox
