// Reading a manifest task's "for_each" (no plugins needed yet): an object with only "task" (a
// non-empty string), "params" (an object, default {}) and "account" (a non-empty string).
// Whether the task exists and is read-only is judged once plugins are loaded
// (manifest_tasks.h); what the listing gives, when it has run (for_each_items.h).
#pragma once

#include "manifest/manifest.h"
#include "util/json_fields.h"

namespace taskhost {

// `task` is the manifest task's reader; throws HostErrorException naming
// "$.tasks[N].for_each..." and the fix.
ManifestForEach read_for_each(const JsonFields& task);

}  // namespace taskhost
