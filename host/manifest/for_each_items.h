// What a for_each manifest task stands for once its listing has run: one task per item of the
// listing's outcome ("items": [{"key": "example.com", "params": {"domain_id": 12}, ...}, ...]).
//   name             "<task name>/<item key>"
//   params           the manifest task's (defaults + task) with the item's "params" on top
//   account, resend_interval, file, index: the manifest task's
// Each item must be an object with "key" (a non-empty string without control characters, at most
// kMaxItemKeyChars, unique among the items: the item's name in journal and plan lines) and
// "params" (an object: what names the item for the task); its other fields are for display. A
// listing whose outcome says "items_incomplete": true (it matched more than it listed) is refused:
// a for_each never runs on part of its targets without saying so.
#pragma once

#include <Poco/JSON/Object.h>

#include <vector>

#include "manifest/manifest.h"
#include "util/host_error.h"

namespace taskhost {

constexpr size_t kMaxItemKeyChars = 200;

// The listed tasks, in the listing's order, at most kMaxManifestTasks; or what is wrong (no
// "items" array, too many, an item without a usable key or params, a key twice), naming the
// manifest task and the item's index.
Result<std::vector<ManifestTask>> tasks_for_items(const ManifestTask& task,
                                                  const Poco::JSON::Object::Ptr& listing_outcome);

}  // namespace taskhost
