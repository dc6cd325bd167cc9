// Where an execution's pacing windows come from: the plugin's describe ("rate_limits":
// [{"scope","requests","per_seconds"}]) unless the account overrides them in the host config.
#pragma once

#include <vector>

#include "config/host_config.h"
#include "pacing/rate_window.h"
#include "plugins/plugin_description.h"

namespace taskhost {

// The account's override when it has one, else what the task describes. A describe entry that
// is malformed (not an object, a non-positive count) is skipped: the plugin validated its own
// describe, and a host that paces a little less is still correct because the plugin reports
// 429 through `throttled`.
std::vector<RateWindow> rate_windows_for(const TaskDescription& task, const AccountConfig& account);

}  // namespace taskhost
