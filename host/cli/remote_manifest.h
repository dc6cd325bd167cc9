// `taskhost plan|apply --socket PATH FILE...`: each manifest file is posted to the daemon
// (POST /v1/manifests/plan|apply, daemon/manifest_routes.h), which plans or applies it with its
// own plugins, pacer and ledger; its results are printed and counted exactly as a local run's,
// with the same exit codes.
#pragma once

#include <iosfwd>

#include "cli/manifest_args.h"

namespace taskhost {

int manifest_through_daemon(const ManifestOptions& options, std::ostream& out, std::ostream& err);

}  // namespace taskhost
